import type { Effect } from './effects';
import type { LobbyView } from './lobby';
import { withParticipant } from './participants';
import { isLeader } from './roles';
import { restoredRound, speaksInRounds } from './rounds';
import type { Actor, Outcome } from './rules';
import type { Restored, Snapshot } from './snapshot-schema';
import type { SessionState } from './state';

export type { Restored };

/**
 * A fresh session takes a leader's replica (its shape checked by the protocol schema). Times
 * cannot lie ahead of the server's clock, a phase cannot begin before the session, listening
 * needs a presenter, and the presenter must be a member: known now if they are here, checked
 * by `addParticipant` when they come back otherwise.
 */
export function restoreSession(state: SessionState, restored: Restored, now: number): SessionState {
	const startedAt = restored.startedAt === null ? null : Math.min(restored.startedAt, now);
	const phaseStartedAt = Math.min(Math.max(restored.phaseStartedAt, startedAt ?? 0), now);
	const here = restored.presenterId === null ? undefined : state.participants[restored.presenterId];
	const presenterId = here && here.role !== 'member' ? null : restored.presenterId;
	// Every field of the schema, by name: one added there does not compile until it is taken back here.
	const taken: Pick<SessionState, keyof Restored> = {
		sessionId: restored.sessionId,
		phase: restored.phase,
		presenterId,
		listening: restored.listening && presenterId !== null,
		caseNumber: restored.caseNumber,
		startedAt,
		phaseStartedAt,
		timersShared: restored.timersShared,
		cameraOffWhileListening: restored.cameraOffWhileListening,
		keepHandsUp: restored.keepHandsUp
	};
	return { ...state, ...taken };
}

/**
 * After a server restart the first leader back offers the replica they still hold. Only a
 * fresh room takes it (`restorable`), once. Hands come back in their order: at once for
 * those here, on admission for the others; people who were in the room come back without a
 * new admission, and those already waiting are let in while there is room.
 */
export function applyRestore(state: SessionState, actor: Actor, snapshot: Snapshot, lobby: LobbyView, restorable: boolean, now: number): Outcome {
	if (!isLeader(actor.role) || !restorable) return { ok: false, code: 'not-allowed' };
	let next = restoreSession(state, snapshot, now);
	const absentHands: { participantId: string; handRaisedAt: number }[] = [];
	snapshot.hands.forEach((id, index) => {
		if (next.participants[id]) next = withParticipant(next, id, { handRaisedAt: index + 1 });
		else absentHands.push({ participantId: id, handRaisedAt: index + 1 });
	});
	next = { ...next, handCounter: snapshot.hands.length };
	const back = new Set(snapshot.admitted);
	// The round's people must have been in the room; those here now must speak in rounds.
	const here = next.participants;
	next = { ...next, round: restoredRound(snapshot.round, (id) => (here[id] ? speaksInRounds(here[id].role) : back.has(id))) };
	const seats = Math.max(0, lobby.capacity - lobby.inRoom);
	const returning = lobby.waiting.filter((w) => back.has(w.participantId)).slice(0, seats);
	const effects: Effect[] = [
		{ type: 'close-restore' },
		{ type: 'readmit', participantIds: snapshot.admitted },
		{ type: 'keep-hands', hands: absentHands },
		...returning.map((w): Effect => ({ type: 'admit', participantId: w.participantId })),
		{ type: 'tell-lobby' }
	];
	return { ok: true, state: next, effects };
}
