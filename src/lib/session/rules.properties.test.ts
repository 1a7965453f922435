import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as v from 'valibot';
import type { Action } from './actions';
import { PHASES, type Phase } from './phases';
import { ROLES } from './roles';
import { currentSpeaker, speaksInRounds } from './rounds';
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
		fc.constant<Action>({ type: 'end-session' }),
		fc
			.tuple(fc.constantFrom(...actors.map((a) => a.id)), fc.option(fc.shuffledSubarray(actors.map((a) => a.id))))
			.map(([startWith, order]) => ({ type: 'start-round', startWith, ...(order ? { order } : {}) }) as Action),
		fc.constantFrom<Action>({ type: 'round-next' }, { type: 'round-pass' }, { type: 'end-round' }),
		fc.shuffledSubarray(actors.map((a) => a.id)).map((order) => ({ type: 'reorder-round', order }) as Action)
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
		if (s.round) {
			// Everyone in a round is here and speaks in rounds, once; the turn lies within it.
			expect(new Set(s.round.order).size).toBe(s.round.order.length);
			for (const id of s.round.order) expect(speaksInRounds(s.participants[id]!.role)).toBe(true);
			expect(s.round.current).toBeGreaterThanOrEqual(0);
			expect(s.round.current).toBeLessThanOrEqual(s.round.order.length);
			for (const id of s.round.passed) expect(s.round.order.indexOf(id)).toBeLessThan(s.round.current);
		}
		const speaker = currentSpeaker(s);
		if (speaker !== null) {
			expect(s.round?.order).toContain(speaker);
			expect(s.participants[speaker]?.role).not.toBe('observer');
		}
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

	it('members and observers never change anything but hands, and a member the round only on their own turn', () => {
		fc.assert(
			fc.property(fc.array(stepArb, { maxLength: 20 }), fc.constantFrom(alice, bob, olga), actionArb, (steps, actor, action) => {
				let before = room();
				for (const [who, step] of steps) {
					const outcome = applyAction(before, who, step, NOW);
					if (outcome.ok) before = outcome.state;
				}
				const outcome = applyAction(before, actor, action, NOW);
				if (!outcome.ok) return;
				const { participants: p1, handCounter: h1, round: r1, ...rest1 } = before;
				const { participants: p2, handCounter: h2, round: r2, ...rest2 } = outcome.state;
				expect(rest2).toEqual(rest1);
				// Nobody can move another person's turn: only the speaker themselves moves the round on.
				if (JSON.stringify(r2) !== JSON.stringify(r1)) {
					expect(currentSpeaker(before)).toBe(actor.id);
					expect(r2?.order).toEqual(r1?.order);
					expect(r2?.current).toBe((r1?.current ?? 0) + 1);
				}
				expect(Object.keys(p2)).toEqual(Object.keys(p1));
				expect(h2).toBeGreaterThanOrEqual(h1);
			})
		);
	});

	it('in a running round a member or observer never moves another person’s turn; the speaker always may', () => {
		fc.assert(
			fc.property(
				fc.constantFrom(leader, coLeader, alice, bob),
				fc.nat(4),
				fc.constantFrom(alice, bob, olga),
				fc.oneof(actionArb, fc.constantFrom<Action>({ type: 'round-next' }, { type: 'round-pass' })),
				(startWith, moved, actor, action) => {
					let s = act(room(), leader, { type: 'start-round', startWith: startWith.id });
					for (let i = 0; i < moved; i++) {
						const outcome = applyAction(s, leader, { type: 'round-next' }, NOW);
						if (outcome.ok) s = outcome.state;
					}
					const outcome = applyAction(s, actor, action, NOW);
					if (actor.id !== currentSpeaker(s)) expect(outcome.ok ? outcome.state.round : s.round).toEqual(s.round);
					else if (action.type === 'round-next' || action.type === 'round-pass') expect(outcome.ok).toBe(true);
				}
			)
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
