import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { effectsOfChange } from './effects';
import { enterRoom, formerEntry, type Entering } from './entry';
import { setConnected } from './participants';
import { act, alice, bob, leader, olga, room } from './rules.fixtures';
import { handQueue, publishingFor, type SessionState } from './state';

/** Alice presents and is listening in the reflection, her hand up from before; then her tab closes. */
function aliceGone(): SessionState {
	let s = act(room(), alice, { type: 'raise-hand' });
	s = act(s, bob, { type: 'raise-hand' });
	s = act(s, leader, { type: 'make-presenter', participantId: alice.id });
	// Making her presenter lowered her hand: she raises it again before the reflection.
	s = act(s, alice, { type: 'raise-hand' });
	s = act(s, leader, { type: 'set-phase', phase: 'reflection' });
	return setConnected(s, alice.id, false);
}

const aliceAgain: Entering = { id: 'member-0099', name: 'Alice', role: 'member' };

describe('entering the room: never two entries for one person', () => {
	it('someone back under a new id keeps their turn in a running round', () => {
		let s = act(room(), leader, { type: 'start-round', startWith: alice.id });
		s = setConnected(s, alice.id, false);
		const { state } = enterRoom(s, aliceAgain);
		expect(state.round?.order).toContain(aliceAgain.id);
		expect(state.round?.order).not.toContain(alice.id);
		expect(state.round?.order[state.round.current]).toBe(aliceAgain.id);
	});

	it('someone back under a new id takes over their former entry: presenter, listening and hand, and the old entry goes', () => {
		const before = aliceGone();
		expect(before.listening).toBe(true);
		const { state, effects } = enterRoom(before, aliceAgain);
		expect(Object.values(state.participants).filter((p) => p.name === 'Alice')).toEqual([
			{
				id: aliceAgain.id,
				name: 'Alice',
				role: 'member',
				connected: true,
				handRaisedAt: before.participants[alice.id]!.handRaisedAt,
				inMedia: false,
				audioOnly: false
			}
		]);
		expect(state.participants[alice.id]).toBeUndefined();
		expect(state.presenterId).toBe(aliceAgain.id);
		expect(state.listening).toBe(true);
		// Her place in the hand queue is kept: Bob raised his first.
		expect(handQueue(state).map((p) => p.id)).toEqual([bob.id, aliceAgain.id]);
		// The old seat lets nobody in any more.
		expect(effects).toEqual([{ type: 'left', participantId: alice.id }]);
		// …and the media server closes the new entry's microphone, as it had the old one's.
		expect(publishingFor(state, aliceAgain.id).microphone).toBe(false);
		expect(effectsOfChange(before, state)).toContainEqual({
			type: 'publishing',
			participantId: aliceAgain.id,
			role: 'member',
			publishing: { microphone: false, camera: true }
		});
	});

	it('two connected people may share a name: a second Alice stands beside the first', () => {
		const before = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		const { state, effects } = enterRoom(before, aliceAgain);
		expect(Object.values(state.participants).filter((p) => p.name === 'Alice')).toHaveLength(2);
		expect(state.presenterId).toBe(alice.id);
		expect(effects).toEqual([]);
	});

	it('a name alone is not enough: the role must match too', () => {
		const before = setConnected(room(), olga.id, false);
		const { state, effects } = enterRoom(before, { id: 'member-0098', name: 'Olga', role: 'member' });
		expect(state.participants[olga.id]).toBeDefined();
		expect(effects).toEqual([]);
	});

	it('someone back with their own seat comes back in place, taking over nobody', () => {
		let before = setConnected(aliceGone(), bob.id, false);
		before = { ...before, participants: { ...before.participants, [bob.id]: { ...before.participants[bob.id]!, name: 'Alice' } } };
		const { state, effects } = enterRoom(before, { id: alice.id, name: 'Alice', role: 'member' });
		expect(formerEntry(before, { id: alice.id, name: 'Alice', role: 'member' })).toBeNull();
		expect(state.participants[alice.id]?.connected).toBe(true);
		expect(state.participants[bob.id]).toBeDefined();
		expect(effects).toEqual([]);
	});
});

const names = ['Alice', 'Bob', 'Lea', 'Olga'];
const roles = ['leader', 'co-leader', 'member', 'observer'] as const;
/** The shared room with some people gone, someone presenting and listening perhaps, and hands up. */
const stateArb: fc.Arbitrary<SessionState> = fc
	.tuple(fc.subarray([leader, alice, bob, olga].map((a) => a.id)), fc.boolean(), fc.boolean(), fc.subarray([alice.id, bob.id]))
	.map(([gone, presents, reflecting, hands]) => {
		let s = room();
		for (const id of hands) s = act(s, { id, role: 'member' }, { type: 'raise-hand' });
		if (presents) s = act(s, leader, { type: 'make-presenter', participantId: alice.id });
		if (reflecting) s = act(s, leader, { type: 'set-phase', phase: 'reflection' });
		for (const id of gone) s = setConnected(s, id, false);
		return s;
	});
const enteringArb: fc.Arbitrary<Entering> = fc.record({
	id: fc.constantFrom('member-0099', 'member-0098', alice.id, leader.id),
	name: fc.constantFrom(...names),
	role: fc.constantFrom(...roles)
});

describe('entering the room: properties', () => {
	it('the person is in, connected; a disconnected entry of the same name and role is taken over, nobody else is touched', () => {
		fc.assert(
			fc.property(stateArb, enteringArb, (before, person) => {
				const { state, effects } = enterRoom(before, person);
				expect(state.participants[person.id]?.connected).toBe(true);
				const former = formerEntry(before, person);
				const ids = (s: SessionState) => Object.keys(s.participants).sort();
				const expected = new Set(Object.keys(before.participants));
				expected.add(person.id);
				if (former) expected.delete(former.id);
				expect(ids(state)).toEqual([...expected].sort());
				expect(effects).toEqual(former ? [{ type: 'left', participantId: former.id }] : []);
				if (former) {
					expect(former.connected).toBe(false);
					expect([former.name, former.role]).toEqual([person.name, person.role]);
					// Their presenter role and hand go with them; listening stays what it was.
					expect(state.presenterId).toBe(before.presenterId === former.id ? person.id : before.presenterId);
					expect(handQueue(state).length).toBe(handQueue(before).length);
				}
				expect(state.listening).toBe(before.listening && state.presenterId !== null);
				if (state.presenterId !== null) expect(state.participants[state.presenterId]).toBeDefined();
				// Connected people are never taken over.
				for (const p of Object.values(before.participants)) if (p.connected) expect(state.participants[p.id]).toBeDefined();
			})
		);
	});

	it('after anyone enters, no disconnected entry shares the name and role of the person who just did', () => {
		fc.assert(
			fc.property(stateArb, enteringArb, (before, person) => {
				const ghosts = Object.values(before.participants).filter((p) => !p.connected && p.name === person.name && p.role === person.role);
				// The fixtures hold one person per name: at most one ghost to take over. Someone
				// back with their own seat is themselves, whatever their seat's name.
				fc.pre(ghosts.length <= 1 && !before.participants[person.id]);
				const { state } = enterRoom(before, person);
				expect(Object.values(state.participants).filter((p) => p.id !== person.id && !p.connected && p.name === person.name && p.role === person.role)).toEqual(
					[]
				);
			})
		);
	});
});
