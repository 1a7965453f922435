import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_SEATS, DEMO_OBSERVERS, mediaSeats, watchingCount } from './fishbowl';
import { arrival, MAX_WAITING, roomCapacity, type LobbyView, type Waiting } from './lobby';
import { setConnected } from './participants';
import { applyAction } from './rules';
import { leader, NOW, olga, room } from './rules.fixtures';

const observers = (count: number): Waiting[] =>
	Array.from({ length: count }, (_, i) => ({ participantId: `observer-${1000 + i}`, new: true, role: 'observer', name: `Watcher ${i}` }));
const members = (count: number): Waiting[] =>
	Array.from({ length: count }, (_, i) => ({ participantId: `member-${1000 + i}`, new: true, role: 'member', name: `Trier ${i}` }));
const admitted = (outcome: ReturnType<typeof applyAction>) =>
	outcome.ok ? outcome.effects.flatMap((e) => (e.type === 'admit' ? [e.participantId] : [])) : null;

/** A demonstration room: the working group under a plain group's bound, the watchers in a pool of their own. */
const demoRoom = (waiting: Waiting[], working: number, watching: number, seats?: number): LobbyView => ({
	waiting,
	inRoom: working,
	capacity: roomCapacity(seats),
	watchers: { inRoom: watching, capacity: DEMO_OBSERVERS }
});
const plainRoom = (waiting: Waiting[], inRoom: number): LobbyView => ({ waiting, inRoom, capacity: roomCapacity() });

describe('a demonstration group: the working group keeps a plain group’s bounds, its watchers have 40 places of their own', () => {
	it('the room’s bound is a plain group’s; the watchers’ places are 40', () => {
		expect(DEMO_OBSERVERS).toBe(40);
		expect(roomCapacity()).toBe(40);
		expect(roomCapacity(12)).toBe(16);
	});

	it('a demonstration lobby takes 40 observers beside a full plain lobby of members; the 41st observer is told the watchers are full', () => {
		const lobby = demoRoom([...members(MAX_WAITING), ...observers(DEMO_OBSERVERS - 1)], 3, 0);
		expect(arrival('observer', false, lobby)).toBe('wait');
		expect(arrival('member', false, lobby)).toBe('lobby-full');
		const full = demoRoom([...members(2), ...observers(DEMO_OBSERVERS)], 3, 0);
		expect(arrival('observer', false, full)).toBe('watchers-full');
		expect(arrival('member', false, full)).toBe('wait');
		// Watching and waiting count together: no more could ever be let in.
		expect(arrival('observer', false, demoRoom(observers(10), 3, 30))).toBe('watchers-full');
		expect(arrival('observer', false, demoRoom(observers(9), 3, 30))).toBe('wait');
		// Someone let in before keeps their place, a watcher too.
		expect(arrival('observer', true, demoRoom(observers(10), 3, DEMO_OBSERVERS))).toBe('enter');
		// A plain lobby: observers and members share its one bound, as before.
		expect(arrival('observer', false, plainRoom([...members(10), ...observers(MAX_WAITING - 10)], 3))).toBe('lobby-full');
	});

	it('a working group under its size leaves no room for a 41st observer; 40 members cannot come in their place', () => {
		const fortyIn = demoRoom(observers(1), 3, DEMO_OBSERVERS);
		expect(applyAction(room(), leader, { type: 'admit', participantId: 'observer-1000' }, NOW, fortyIn)).toEqual({ ok: false, code: 'watchers-full' });
		expect(applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, fortyIn)).toEqual({ ok: false, code: 'watchers-full' });
		// The working group is held to a plain group's bound, however few watch.
		const fullGroup = demoRoom(members(1), roomCapacity(8), 0, 8);
		expect(applyAction(room(), leader, { type: 'admit', participantId: 'member-1000' }, NOW, fullGroup)).toEqual({ ok: false, code: 'room-full' });
		expect(arrival('leader', false, fullGroup)).toBe('room-full');
		const crowd = demoRoom([...members(DEMO_OBSERVERS), ...observers(DEMO_OBSERVERS)], 3, 0, 8);
		const outcome = applyAction(room(), leader, { type: 'admit-all' }, NOW, crowd);
		expect(admitted(outcome)).toEqual([...members(roomCapacity(8) - 3), ...observers(DEMO_OBSERVERS)].map((w) => w.participantId));
	});

	it('admit all observers lets in the 40 waiting observers at once, and no member; a full working group holds back none of them', () => {
		const lobby = demoRoom([...members(2), ...observers(DEMO_OBSERVERS)], roomCapacity(), 0);
		const outcome = applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, lobby);
		expect(admitted(outcome)).toEqual(observers(DEMO_OBSERVERS).map((w) => w.participantId));
		expect(outcome.ok && outcome.effects.at(-1)).toEqual({ type: 'tell-lobby' });
		// Only as many as there are places left; the others keep waiting.
		expect(admitted(applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, demoRoom(observers(10), 3, 35)))).toHaveLength(5);
	});

	it('in a plain room the same admission stops where the room is full; the others keep waiting', () => {
		const lobby = plainRoom(observers(40), 8);
		expect(admitted(applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, lobby))).toHaveLength(32);
		expect(applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, { ...lobby, inRoom: 40 })).toEqual({ ok: false, code: 'room-full' });
		expect(applyAction(room(), leader, { type: 'admit', participantId: 'observer-1000' }, NOW, { ...lobby, inRoom: 40 })).toEqual({
			ok: false,
			code: 'room-full'
		});
	});

	it('admit all with a role when nobody of it waits does nothing; without a role it admits everyone, as before', () => {
		const lobby = demoRoom(members(3), 8, 0);
		expect(admitted(applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, lobby))).toEqual([]);
		expect(admitted(applyAction(room(), leader, { type: 'admit-all' }, NOW, lobby))).toHaveLength(3);
		expect(applyAction(room(), olga, { type: 'admit-all', role: 'observer' }, NOW, lobby)).toEqual({ ok: false, code: 'not-allowed' });
	});
});

describe('what the screens count and the media room seats', () => {
	it('"watching" counts the observers whose connection is up, nobody else', () => {
		const state = room();
		expect(watchingCount(state)).toBe(1);
		expect(watchingCount(setConnected(state, olga.id, false))).toBe(0);
	});

	it("a demonstration group's media room seats its observers too; a plain group's seats are unchanged", () => {
		expect(mediaSeats(undefined, false)).toBeUndefined();
		expect(mediaSeats(14, false)).toBe(14);
		expect(mediaSeats(undefined, true)).toBe(DEFAULT_MEDIA_SEATS + 40);
		expect(mediaSeats(14, true)).toBe(54);
	});
});
