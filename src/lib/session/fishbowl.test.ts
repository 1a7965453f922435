import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_SEATS, DEMO_OBSERVERS, mediaSeats, watchingCount } from './fishbowl';
import { arrival, MAX_WAITING, roomCapacity, waitingCapacity, type LobbyView, type Waiting } from './lobby';
import { setConnected } from './participants';
import { applyAction } from './rules';
import { leader, NOW, olga, room } from './rules.fixtures';

const observers = (count: number): Waiting[] =>
	Array.from({ length: count }, (_, i) => ({ participantId: `observer-${1000 + i}`, new: true, role: 'observer', name: `Watcher ${i}` }));
const members = (count: number): Waiting[] =>
	Array.from({ length: count }, (_, i) => ({ participantId: `member-${1000 + i}`, new: true, role: 'member', name: `Trier ${i}` }));
const admitted = (outcome: ReturnType<typeof applyAction>) =>
	outcome.ok ? outcome.effects.flatMap((e) => (e.type === 'admit' ? [e.participantId] : [])) : null;

describe('a demonstration group holds its observers beyond the working group; a plain group stays as it is', () => {
	it('the room and the lobby grow by 40 for a demonstration group only', () => {
		expect(DEMO_OBSERVERS).toBe(40);
		expect(roomCapacity()).toBe(40);
		expect(roomCapacity(undefined, false)).toBe(40);
		expect(roomCapacity(undefined, true)).toBe(80);
		expect(roomCapacity(12)).toBe(16);
		expect(roomCapacity(12, true)).toBe(56);
		expect(waitingCapacity()).toBe(MAX_WAITING);
		expect(waitingCapacity(true)).toBe(MAX_WAITING + DEMO_OBSERVERS);
	});

	it('a demonstration lobby takes 40 observers arriving at once beside the members; a plain one turns the 41st away', () => {
		const crowd = [...members(10), ...observers(39)];
		const demo: LobbyView = { waiting: crowd, inRoom: 8, capacity: roomCapacity(undefined, true), maxWaiting: waitingCapacity(true) };
		const plain: LobbyView = { waiting: crowd, inRoom: 8, capacity: roomCapacity(), maxWaiting: waitingCapacity() };
		expect(arrival('observer', false, demo)).toBe('wait');
		expect(arrival('observer', false, plain)).toBe('lobby-full');
		// The bound still holds for a demonstration group: a leaked link floods it no further.
		expect(arrival('observer', false, { ...demo, waiting: [...crowd, ...observers(31)] })).toBe('lobby-full');
	});

	it('admit all observers lets in the 40 waiting observers at once in a demonstration room, and no member', () => {
		const lobby: LobbyView = { waiting: [...members(2), ...observers(40)], inRoom: 8, capacity: roomCapacity(undefined, true) };
		const outcome = applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, lobby);
		expect(admitted(outcome)).toEqual(observers(40).map((w) => w.participantId));
		expect(outcome.ok && outcome.effects.at(-1)).toEqual({ type: 'tell-lobby' });
	});

	it('in a plain room the same admission stops where the room is full; the others keep waiting', () => {
		const lobby: LobbyView = { waiting: observers(40), inRoom: 8, capacity: roomCapacity() };
		expect(admitted(applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, lobby))).toHaveLength(32);
		expect(applyAction(room(), leader, { type: 'admit-all', role: 'observer' }, NOW, { ...lobby, inRoom: 40 })).toEqual({ ok: false, code: 'room-full' });
	});

	it('admit all with a role when nobody of it waits does nothing; without a role it admits everyone, as before', () => {
		const lobby: LobbyView = { waiting: members(3), inRoom: 8, capacity: roomCapacity(undefined, true) };
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
