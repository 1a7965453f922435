import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as v from 'valibot';
import type { Action } from './actions';
import { PHASES, type Phase } from './phases';
import { ROLES } from './roles';
import { applyAction, enterPhase } from './rules';
import { act, alice, bob, coLeader, leader, NOW, olga, room } from './rules.fixtures';
import type { SessionState } from './state';
import { SnapshotSchema } from '../sync/protocol-schema';
import { snapshotOf } from '../sync/snapshot';

describe('properties', () => {
	const actors = [leader, coLeader, alice, bob, olga];
	const actionArb: fc.Arbitrary<Action> = fc.oneof(
		fc.constant<Action>({ type: 'next-phase' }),
		fc.constantFrom(...PHASES, 'nap').map((phase) => ({ type: 'set-phase', phase }) as Action),
		fc.constantFrom(null, ...actors.map((a) => a.id), 'nobody-0001').map((participantId) => ({ type: 'make-presenter', participantId }) as Action),
		fc.boolean().map((listening) => ({ type: 'set-listening', listening }) as Action),
		fc.constant<Action>({ type: 'raise-hand' }),
		fc.constantFrom(undefined, ...actors.map((a) => a.id)).map((participantId) => ({ type: 'lower-hand', participantId }) as Action),
		fc.boolean().map((shared) => ({ type: 'share-timers', shared }) as Action),
		fc.constantFrom(...actors.map((a) => a.id)).map((participantId) => ({ type: 'remove', participantId }) as Action),
		fc.constant<Action>({ type: 'end-session' })
	);
	const stepArb = fc.tuple(fc.constantFrom(...actors), actionArb);

	function valid(s: SessionState): void {
		expect(PHASES).toContain(s.phase);
		if (s.presenterId !== null) expect(s.participants[s.presenterId]?.role).toBe('member');
		if (s.listening) expect(s.presenterId).not.toBeNull();
		for (const p of Object.values(s.participants)) {
			expect(ROLES).toContain(p.role);
			if (p.handRaisedAt !== null) expect(p.handRaisedAt).toBeLessThanOrEqual(s.handCounter);
		}
		expect(s.caseNumber).toBeGreaterThanOrEqual(1);
		// Whatever the leaders did, a leader's replica of it is a snapshot the server accepts.
		const snapshot = snapshotOf(s);
		if (snapshot) expect(v.safeParse(SnapshotSchema, snapshot).issues).toBeUndefined();
	}

	it('any sequence of actions by any roles keeps the state valid', () => {
		fc.assert(
			fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
				let s = room();
				for (const [actor, action] of steps) {
					const outcome = applyAction(s, actor, action, NOW);
					if (outcome.ok) s = outcome.state;
					valid(s);
				}
			})
		);
	});

	it('members and observers never change anything but hands', () => {
		fc.assert(
			fc.property(fc.constantFrom(alice, bob, olga), actionArb, (actor, action) => {
				const before = room();
				const outcome = applyAction(before, actor, action, NOW);
				if (!outcome.ok) return;
				const { participants: p1, handCounter: h1, ...rest1 } = before;
				const { participants: p2, handCounter: h2, ...rest2 } = outcome.state;
				expect(rest2).toEqual(rest1);
				expect(Object.keys(p2)).toEqual(Object.keys(p1));
				expect(h2).toBeGreaterThanOrEqual(h1);
			})
		);
	});

	it('after any actions, entering return or the end leaves nobody listening', () => {
		fc.assert(
			fc.property(fc.array(stepArb, { maxLength: 30 }), fc.constantFrom<Phase>('return', 'ended'), (steps, to) => {
				let s = room();
				for (const [actor, action] of steps) {
					const outcome = applyAction(s, actor, action, NOW);
					if (outcome.ok) s = outcome.state;
				}
				if (s.phase !== 'ended') expect(enterPhase(s, to, NOW + 1).listening).toBe(false);
			})
		);
	});

	it('with a presenter, listening follows the phase: on in reflection, off anywhere else', () => {
		fc.assert(
			fc.property(fc.constantFrom(...PHASES), fc.constantFrom(...PHASES), (from, to) => {
				let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
				s = enterPhase(s, from, NOW);
				s = enterPhase(s, to, NOW + 1);
				expect(s.listening).toBe(to === 'reflection');
			})
		);
	});
});
