import { describe, expect, it } from 'vitest';
import { addParticipant } from './participants';
import type { Phase } from './phases';
import { applyRestore, restoreSession } from './restore';
import { alice, bob, coLeader, leader, NOW, olga } from './rules.fixtures';
import type { Snapshot } from './snapshot-schema';
import { initialState } from './state';

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
		cameraOffWhileListening: false,
		keepHandsUp: true
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

describe('taking a leader’s replica', () => {
	const snapshot: Snapshot = {
		sessionId: 'session-0002',
		phase: 'questions',
		presenterId: null,
		listening: false,
		caseNumber: 1,
		startedAt: NOW - 60_000,
		phaseStartedAt: NOW - 10_000,
		timersShared: false,
		cameraOffWhileListening: false,
		keepHandsUp: false,
		admitted: [leader.id, alice.id, bob.id, olga.id],
		hands: [bob.id, alice.id],
		round: null
	};
	const fresh = () => addParticipant(initialState('session-new1', 90, NOW), { id: leader.id, name: 'Lea', role: 'leader' });
	const waiting = [
		{ participantId: 'member-0009', new: true },
		{ participantId: alice.id, new: true },
		{ participantId: olga.id, new: true }
	];

	it('only a leader may offer one, and only a fresh room takes it', () => {
		const lobby = { waiting: [], inRoom: 1, capacity: 40 };
		expect(applyRestore(fresh(), alice, snapshot, lobby, true, NOW)).toEqual({ ok: false, code: 'not-allowed' });
		expect(applyRestore(fresh(), leader, snapshot, lobby, false, NOW)).toEqual({ ok: false, code: 'not-allowed' });
		expect(applyRestore(fresh(), coLeader, snapshot, lobby, true, NOW).ok).toBe(true);
	});

	it('hands come back in order, those of people not back yet on their admission; who was in comes back, those waiting go in while there is room', () => {
		const here = addParticipant(fresh(), { id: alice.id, name: 'Alice', role: 'member' });
		const outcome = applyRestore(here, leader, snapshot, { waiting, inRoom: 2, capacity: 40 }, true, NOW);
		if (!outcome.ok) throw new Error(outcome.code);
		expect(outcome.state).toMatchObject({ sessionId: 'session-0002', phase: 'questions', handCounter: 2 });
		expect(outcome.state.participants[alice.id]?.handRaisedAt).toBe(2);
		expect(outcome.effects).toEqual([
			{ type: 'close-restore' },
			{ type: 'readmit', participantIds: snapshot.admitted },
			{ type: 'keep-hands', hands: [{ participantId: bob.id, handRaisedAt: 1 }] },
			{ type: 'admit', participantId: alice.id },
			{ type: 'admit', participantId: olga.id },
			{ type: 'tell-lobby' }
		]);
		const crowded = applyRestore(here, leader, snapshot, { waiting, inRoom: 39, capacity: 40 }, true, NOW);
		expect(crowded.ok && crowded.effects.filter((e) => e.type === 'admit')).toEqual([{ type: 'admit', participantId: alice.id }]);
		const full = applyRestore(here, leader, snapshot, { waiting, inRoom: 40, capacity: 40 }, true, NOW);
		expect(full.ok && full.effects.filter((e) => e.type === 'admit')).toEqual([]);
	});

	it('a round comes back with the people who were in the room; an observer among them drops out when they come back', () => {
		const round = { order: [bob.id, 'stranger-01', olga.id, alice.id], current: 1, passed: [bob.id] };
		const outcome = applyRestore(fresh(), leader, { ...snapshot, round }, { waiting: [], inRoom: 1, capacity: 40 }, true, NOW);
		if (!outcome.ok) throw new Error(outcome.code);
		expect(outcome.state.round).toEqual({ order: [bob.id, olga.id, alice.id], current: 1, passed: [bob.id] });
		expect(addParticipant(outcome.state, { id: olga.id, name: 'Olga', role: 'observer' }).round).toEqual({
			order: [bob.id, alice.id],
			current: 1,
			passed: [bob.id]
		});
	});
});
