import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Action } from './actions';
import { nextPhase, PHASES, type Phase } from './phases';
import { ROLES, type Role } from './roles';
import { addParticipant, applyAction, enterPhase, mayAct, removeParticipant, restoreSession, setConnected, type Actor } from './rules';
import * as v from 'valibot';
import { handQueue, initialState, MAX_CASES, type SessionState } from './state';
import { SnapshotSchema } from '../sync/protocol-schema';
import { snapshotOf } from '../sync/snapshot';

const NOW = 1_000_000;
const leader: Actor = { id: 'leader-0001', role: 'leader' };
const coLeader: Actor = { id: 'coleader-01', role: 'co-leader' };
const alice: Actor = { id: 'member-0001', role: 'member' };
const bob: Actor = { id: 'member-0002', role: 'member' };
const olga: Actor = { id: 'observer-01', role: 'observer' };

function room(): SessionState {
	let s = initialState('session-0001', 90, 0);
	for (const [a, name] of [
		[leader, 'Lea'],
		[coLeader, 'Cole'],
		[alice, 'Alice'],
		[bob, 'Bob'],
		[olga, 'Olga']
	] as const) {
		s = addParticipant(s, { id: a.id, name, role: a.role });
	}
	return s;
}

function act(state: SessionState, actor: Actor, action: Action, now = NOW): SessionState {
	const outcome = applyAction(state, actor, action, now);
	if (!outcome.ok) throw new Error(`refused: ${outcome.code}`);
	return outcome.state;
}

function refusal(state: SessionState, actor: Actor, action: Action): string | null {
	const outcome = applyAction(state, actor, action, NOW);
	return outcome.ok ? null : outcome.code;
}

describe('phases', () => {
	it('"next" follows the usual order and stops at closing', () => {
		expect(nextPhase('gathering')).toBe('opening');
		expect(nextPhase('questions')).toBe('reflection');
		expect(nextPhase('return')).toBe('closing');
		expect(nextPhase('closing')).toBeNull();
		expect(nextPhase('ended')).toBeNull();
	});

	it('a leader steps through the whole course with "next"', () => {
		let s = room();
		const seen: Phase[] = [s.phase];
		for (let i = 0; i < 7; i++) {
			s = act(s, leader, { type: 'next-phase' });
			seen.push(s.phase);
		}
		expect(seen).toEqual(PHASES.filter((p) => p !== 'ended'));
		expect(refusal(s, leader, { type: 'next-phase' })).toBe('no-next-phase');
	});

	it('records when the session started and when each phase began', () => {
		let s = room();
		expect(s.startedAt).toBeNull();
		s = act(s, leader, { type: 'next-phase' }, 5000);
		expect(s.startedAt).toBe(5000);
		expect(s.phaseStartedAt).toBe(5000);
		s = act(s, leader, { type: 'next-phase' }, 9000);
		expect(s.startedAt).toBe(5000);
		expect(s.phaseStartedAt).toBe(9000);
	});

	it('a leader may jump to any phase but never to an unknown one or to ended', () => {
		const s = room();
		for (const phase of PHASES.filter((p) => p !== 'ended')) {
			expect(act(s, coLeader, { type: 'set-phase', phase }).phase).toBe(phase);
		}
		expect(refusal(s, leader, { type: 'set-phase', phase: 'nap' as Phase })).toBe('unknown-phase');
		expect(refusal(s, leader, { type: 'set-phase', phase: 'ended' })).toBe('unknown-phase');
	});
});

describe('the presenter and listening', () => {
	it('reflection puts the presenter into listening and return takes them out', () => {
		let s = act(room(), leader, { type: 'set-phase', phase: 'questions' });
		s = act(s, leader, { type: 'make-presenter', participantId: alice.id });
		expect(s.listening).toBe(false);
		s = act(s, leader, { type: 'next-phase' });
		expect(s.phase).toBe('reflection');
		expect(s.listening).toBe(true);
		s = act(s, coLeader, { type: 'next-phase' });
		expect(s.phase).toBe('return');
		expect(s.listening).toBe(false);
	});

	it('leaving reflection by a jump also ends listening', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		s = act(s, leader, { type: 'set-phase', phase: 'reflection' });
		expect(s.listening).toBe(true);
		expect(act(s, leader, { type: 'set-phase', phase: 'closing' }).listening).toBe(false);
	});

	it('reflection without a presenter has nobody listening', () => {
		expect(act(room(), leader, { type: 'set-phase', phase: 'reflection' }).listening).toBe(false);
	});

	it('a leader toggles listening by hand, only with a presenter', () => {
		let s = room();
		expect(refusal(s, leader, { type: 'set-listening', listening: true })).toBe('no-presenter');
		s = act(s, leader, { type: 'make-presenter', participantId: bob.id });
		s = act(s, leader, { type: 'set-listening', listening: true });
		expect(s.listening).toBe(true);
		s = act(s, coLeader, { type: 'set-listening', listening: false });
		expect(s.listening).toBe(false);
	});

	it('only members can present', () => {
		const s = room();
		expect(refusal(s, leader, { type: 'make-presenter', participantId: olga.id })).toBe('not-a-member');
		expect(refusal(s, leader, { type: 'make-presenter', participantId: coLeader.id })).toBe('not-a-member');
		expect(refusal(s, leader, { type: 'make-presenter', participantId: 'nobody-0001' })).toBe('unknown-participant');
	});

	it('choosing a presenter lowers their hand; clearing the presenter ends listening', () => {
		let s = act(room(), alice, { type: 'raise-hand' });
		s = act(s, leader, { type: 'make-presenter', participantId: alice.id });
		expect(s.participants[alice.id]?.handRaisedAt).toBeNull();
		s = act(s, leader, { type: 'set-listening', listening: true });
		s = act(s, leader, { type: 'make-presenter', participantId: null });
		expect(s.presenterId).toBeNull();
		expect(s.listening).toBe(false);
	});

	it('a second case: case-call after return starts case 2 with no presenter', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		s = act(s, leader, { type: 'set-phase', phase: 'return' });
		s = act(s, leader, { type: 'set-phase', phase: 'case-call' });
		expect(s.caseNumber).toBe(2);
		expect(s.presenterId).toBeNull();
		// Going back to case-call by mistake during a case does not start a new one.
		s = act(s, leader, { type: 'make-presenter', participantId: bob.id });
		s = act(s, leader, { type: 'set-phase', phase: 'presentation' });
		s = act(s, leader, { type: 'set-phase', phase: 'case-call' });
		expect(s.caseNumber).toBe(2);
		expect(s.presenterId).toBe(bob.id);
	});

	it('return always gives the presenter their voice back, even after listening set by hand', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		s = act(s, leader, { type: 'set-phase', phase: 'presentation' });
		s = act(s, leader, { type: 'set-listening', listening: true });
		s = act(s, leader, { type: 'set-phase', phase: 'return' });
		expect(s.listening).toBe(false);
	});

	it('cases stop counting at MAX_CASES, so a long session can always be restored', () => {
		let s = room();
		for (let i = 0; i < MAX_CASES + 5; i++) {
			s = act(s, leader, { type: 'set-phase', phase: 'return' });
			s = act(s, leader, { type: 'set-phase', phase: 'case-call' });
		}
		expect(s.caseNumber).toBe(MAX_CASES);
		expect(v.is(SnapshotSchema, snapshotOf(s))).toBe(true);
	});

	it('the presenter cannot raise a hand while listening', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		s = act(s, leader, { type: 'set-phase', phase: 'reflection' });
		expect(refusal(s, alice, { type: 'raise-hand' })).toBe('presenter-listening');
		expect(refusal(s, bob, { type: 'raise-hand' })).toBeNull();
	});
});

describe('hands', () => {
	it('members raise and lower their own hand, queued in order of raising', () => {
		let s = act(room(), bob, { type: 'raise-hand' });
		s = act(s, alice, { type: 'raise-hand' });
		s = act(s, bob, { type: 'raise-hand' }); // raising twice keeps the place
		expect(handQueue(s).map((p) => p.id)).toEqual([bob.id, alice.id]);
		s = act(s, bob, { type: 'lower-hand' });
		expect(handQueue(s).map((p) => p.id)).toEqual([alice.id]);
	});

	it('a member cannot lower another member’s hand; a leader can', () => {
		const s = act(room(), alice, { type: 'raise-hand' });
		expect(refusal(s, bob, { type: 'lower-hand', participantId: alice.id })).toBe('not-allowed');
		expect(handQueue(act(s, leader, { type: 'lower-hand', participantId: alice.id }))).toEqual([]);
	});

	it('observers and leaders do not raise hands', () => {
		expect(refusal(room(), olga, { type: 'raise-hand' })).toBe('not-allowed');
		expect(refusal(room(), leader, { type: 'raise-hand' })).toBe('not-allowed');
	});
});

describe('who may do what', () => {
	const steering: Action[] = [
		{ type: 'next-phase' },
		{ type: 'set-phase', phase: 'closing' },
		{ type: 'make-presenter', participantId: 'member-0001' },
		{ type: 'set-listening', listening: false },
		{ type: 'share-timers', shared: true },
		{ type: 'admit', participantId: 'member-0001' },
		{ type: 'decline', participantId: 'member-0001' },
		{ type: 'decline-new' },
		{ type: 'remove', participantId: 'member-0002' },
		{ type: 'end-session' }
	];

	it.each(['member', 'observer'] as Role[])('a %s can never steer', (role) => {
		const actor = role === 'member' ? alice : olga;
		for (const action of steering) {
			expect(mayAct(role, action.type)).toBe(false);
			expect(refusal(room(), actor, action)).toBe('not-allowed');
		}
	});

	it.each(['leader', 'co-leader'] as Role[])('a %s may steer', (role) => {
		for (const action of steering) expect(mayAct(role, action.type)).toBe(true);
	});

	it('leaders cannot be removed; others can, and a removed presenter stops presenting', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		expect(refusal(s, coLeader, { type: 'remove', participantId: leader.id })).toBe('cannot-remove-leader');
		s = act(s, coLeader, { type: 'remove', participantId: alice.id });
		expect(s.participants[alice.id]).toBeUndefined();
		expect(s.presenterId).toBeNull();
	});

	it('after the end nothing changes any more', () => {
		const s = act(room(), leader, { type: 'end-session' });
		expect(s.phase).toBe('ended');
		for (const actor of [leader, coLeader, alice]) {
			expect(refusal(s, actor, { type: 'next-phase' })).toBe('session-ended');
			expect(refusal(s, actor, { type: 'raise-hand' })).toBe('session-ended');
		}
	});
});

describe('presence', () => {
	it('a person who drops is shown reconnecting and comes back in place', () => {
		let s = act(room(), alice, { type: 'raise-hand' });
		s = setConnected(s, alice.id, false);
		expect(s.participants[alice.id]?.connected).toBe(false);
		s = addParticipant(s, { id: alice.id, name: 'Someone else', role: 'member' });
		expect(s.participants[alice.id]).toMatchObject({ connected: true, name: 'Alice' });
		expect(handQueue(s).map((p) => p.id)).toEqual([alice.id]);
	});

	it('removing an absent person changes nothing', () => {
		const s = room();
		expect(removeParticipant(s, 'nobody-0001')).toBe(s);
	});
});

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

describe('restore after a server restart', () => {
	const replica = {
		sessionId: 'session-0002',
		phase: 'reflection' as Phase,
		presenterId: alice.id,
		listening: true,
		caseNumber: 2,
		startedAt: NOW - 60_000,
		phaseStartedAt: NOW - 10_000,
		timersShared: true,
		cameraOffWhileListening: false
	};
	const fresh = () => addParticipant(initialState('session-new1', 90, NOW), { id: leader.id, name: 'Lea', role: 'leader' });

	it('brings back phase, presenter, listening, case and timers', () => {
		const s = restoreSession(fresh(), replica, NOW);
		expect(s).toMatchObject({ ...replica });
		// The presenter comes back later and is still presenting and listening.
		expect(addParticipant(s, { id: alice.id, name: 'Alice', role: 'member' })).toMatchObject({ presenterId: alice.id, listening: true });
	});

	it('never dates a session or a phase ahead of the server’s clock, or a phase before its session', () => {
		expect(restoreSession(fresh(), { ...replica, startedAt: NOW + 3_600_000, phaseStartedAt: NOW + 7_200_000 }, NOW)).toMatchObject({
			startedAt: NOW,
			phaseStartedAt: NOW
		});
		expect(restoreSession(fresh(), { ...replica, phaseStartedAt: 5 }, NOW)).toMatchObject({ startedAt: replica.startedAt, phaseStartedAt: replica.startedAt });
	});

	it('only a member presents: a leader or co-leader named as presenter is cleared, now or when they come back', () => {
		expect(restoreSession(fresh(), { ...replica, presenterId: leader.id }, NOW)).toMatchObject({ presenterId: null, listening: false });
		const s = restoreSession(fresh(), { ...replica, presenterId: coLeader.id }, NOW);
		expect(s.presenterId).toBe(coLeader.id);
		expect(addParticipant(s, { id: coLeader.id, name: 'Cole', role: 'co-leader' })).toMatchObject({ presenterId: null, listening: false });
	});

	it('listening needs a presenter', () => {
		expect(restoreSession(fresh(), { ...replica, presenterId: null, listening: true }, NOW)).toMatchObject({ presenterId: null, listening: false });
	});
});
