import { handQueue, type SessionState } from '../session/state';
import type { Snapshot } from './protocol';

/**
 * What a leader's replica offers a fresh room after a server restart. Null when there is
 * nothing worth restoring (still gathering, or already ended). Its shape is the schema's
 * (`session/snapshot-schema.ts`): a field added there does not compile until it is named here.
 */
export function snapshotOf(previous: SessionState): Snapshot | null {
	if (previous.phase === 'gathering' || previous.phase === 'ended') return null;
	return {
		sessionId: previous.sessionId,
		phase: previous.phase,
		presenterId: previous.presenterId,
		listening: previous.listening,
		caseNumber: previous.caseNumber,
		startedAt: previous.startedAt,
		phaseStartedAt: previous.phaseStartedAt,
		timersShared: previous.timersShared,
		cameraOffWhileListening: previous.cameraOffWhileListening,
		keepHandsUp: previous.keepHandsUp,
		admitted: Object.keys(previous.participants).slice(0, 64),
		hands: handQueue(previous)
			.map((p) => p.id)
			.slice(0, 64),
		round: previous.round
	};
}
