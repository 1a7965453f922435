import * as Y from 'yjs';
import { isPhase } from '../session/phases';
import { isRole } from '../session/roles';
import type { Participant, SessionState } from '../session/state';

/**
 * The one place that knows how a session lives in a Yjs document.
 * `session` holds the scalar fields, `participants` one plain entry per person.
 * Only the server writes; every client holds a read-only replica.
 */
type Scalars = Omit<SessionState, 'participants'>;
const SCALAR_KEYS = [
	'sessionId',
	'phase',
	'presenterId',
	'listening',
	'caseNumber',
	'startedAt',
	'phaseStartedAt',
	'plannedMinutes',
	'timersShared',
	'cameraOffWhileListening',
	'helpRequested',
	'handCounter'
] as const satisfies readonly (keyof Scalars)[];

function sessionMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('session');
}

function participantsMap(doc: Y.Doc): Y.Map<Participant> {
	return doc.getMap('participants');
}

/** Writes only what changed, in one transaction, so each change is one small update. */
export function writeState(doc: Y.Doc, next: SessionState, origin: unknown = null): void {
	const session = sessionMap(doc);
	const participants = participantsMap(doc);
	doc.transact(() => {
		for (const key of SCALAR_KEYS) {
			if (session.get(key) !== next[key]) session.set(key, next[key]);
		}
		for (const id of participants.keys()) {
			if (!(id in next.participants)) participants.delete(id);
		}
		for (const [id, person] of Object.entries(next.participants)) {
			if (!sameParticipant(participants.get(id), person)) participants.set(id, { ...person });
		}
	}, origin);
}

function sameParticipant(a: Participant | undefined, b: Participant): boolean {
	return (
		!!a &&
		a.id === b.id &&
		a.name === b.name &&
		a.role === b.role &&
		a.connected === b.connected &&
		a.handRaisedAt === b.handRaisedAt &&
		a.inMedia === b.inMedia
	);
}

/** Reads a replica back into plain state; null until the first sync has arrived. */
export function readState(doc: Y.Doc): SessionState | null {
	const session = sessionMap(doc);
	const phase = session.get('phase');
	const sessionId = session.get('sessionId');
	if (!isPhase(phase) || typeof sessionId !== 'string') return null;
	const participants: Record<string, Participant> = {};
	for (const [id, value] of participantsMap(doc).entries()) {
		if (value && typeof value === 'object' && isRole(value.role)) participants[id] = { ...value, inMedia: value.inMedia === true };
	}
	const num = (key: string, fallback: number) => {
		const v = session.get(key);
		return typeof v === 'number' ? v : fallback;
	};
	const presenterId = session.get('presenterId');
	const startedAt = session.get('startedAt');
	return {
		sessionId,
		phase,
		presenterId: typeof presenterId === 'string' ? presenterId : null,
		listening: session.get('listening') === true,
		caseNumber: num('caseNumber', 1),
		startedAt: typeof startedAt === 'number' ? startedAt : null,
		phaseStartedAt: num('phaseStartedAt', 0),
		plannedMinutes: num('plannedMinutes', 90),
		timersShared: session.get('timersShared') === true,
		cameraOffWhileListening: session.get('cameraOffWhileListening') === true,
		helpRequested: session.get('helpRequested') === true,
		handCounter: num('handCounter', 0),
		participants
	};
}
