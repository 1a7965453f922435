import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import type { Action } from './actions';
import { nextPhase, PHASES, type Phase } from './phases';
import type { Role } from './roles';
import { mayAct } from './rules';
import { act, alice, bob, coLeader, leader, olga, refusal, room } from './rules.fixtures';
import { handQueue, MAX_CASES } from './state';
import { SnapshotSchema } from '../sync/protocol-schema';
import { snapshotOf } from '../sync/snapshot';

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

	it('hands raised in the reflection come down at the return and at the closing; other phases keep them', () => {
		let s = act(room(), leader, { type: 'set-phase', phase: 'reflection' });
		s = act(act(s, bob, { type: 'raise-hand' }), alice, { type: 'raise-hand' });
		expect(handQueue(act(s, leader, { type: 'set-phase', phase: 'questions' })).map((p) => p.id)).toEqual([bob.id, alice.id]);
		for (const phase of ['return', 'closing'] as const) expect(handQueue(act(s, leader, { type: 'set-phase', phase }))).toEqual([]);
		// Hands raised during the return come down at the closing too: it starts clear.
		const inReturn = act(act(s, leader, { type: 'next-phase' }), bob, { type: 'raise-hand' });
		expect(handQueue(inReturn).map((p) => p.id)).toEqual([bob.id]);
		expect(handQueue(act(inReturn, leader, { type: 'next-phase' }))).toEqual([]);
	});

	it('a leader may keep hands up through the return and the closing; only a leader sets it', () => {
		let s = act(room(), leader, { type: 'set-phase', phase: 'reflection' });
		s = act(act(s, bob, { type: 'raise-hand' }), alice, { type: 'raise-hand' });
		expect(refusal(s, bob, { type: 'set-hand-rule', keepHandsUp: true })).toBe('not-allowed');
		s = act(s, leader, { type: 'set-hand-rule', keepHandsUp: true });
		for (const phase of ['return', 'closing'] as const)
			expect(handQueue(act(s, leader, { type: 'set-phase', phase })).map((p) => p.id)).toEqual([bob.id, alice.id]);
		// Switched back, the next change to the return lowers them again.
		s = act(s, leader, { type: 'set-hand-rule', keepHandsUp: false });
		expect(handQueue(act(s, leader, { type: 'set-phase', phase: 'return' }))).toEqual([]);
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
