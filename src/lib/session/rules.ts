import type { Action, ActionType, RefusalCode } from './actions';
import { isPhase, nextPhase, type Phase } from './phases';
import { isLeader, type Role } from './roles';
import type { Restored } from './snapshot-schema';
import { MAX_CASES, type Participant, type SessionState } from './state';

/** Who acts: the server fills this from authentication, never from the message. */
export interface Actor {
	id: string;
	role: Role;
}

export type Outcome = { ok: true; state: SessionState } | { ok: false; code: RefusalCode };

const LEADER_ONLY: ReadonlySet<ActionType> = new Set([
	'next-phase',
	'set-phase',
	'make-presenter',
	'set-listening',
	'share-timers',
	'set-camera-rule',
	'mute',
	'ask-help',
	'admit',
	'decline',
	'decline-new',
	'remove',
	'end-session'
]);

/** Whether a role may ask for this kind of action at all (the phase may still refuse it). */
export function mayAct(role: Role, type: ActionType): boolean {
	if (LEADER_ONLY.has(type)) return isLeader(role);
	if (type === 'raise-hand') return role === 'member';
	// Everyone but observers may lower their own hand; leaders may lower anyone's.
	if (type === 'lower-hand') return role !== 'observer';
	return false;
}

function refuse(code: RefusalCode): Outcome {
	return { ok: false, code };
}

function withParticipant(state: SessionState, id: string, change: Partial<Participant>): SessionState {
	const current = state.participants[id];
	if (!current) return state;
	return { ...state, participants: { ...state.participants, [id]: { ...current, ...change } } };
}

/**
 * Moving into a phase carries its own consequences: `reflection` puts the presenter into
 * listening, leaving it (and reaching `return`) takes them out, and `case-call` after a finished
 * case starts the next one.
 */
export function enterPhase(state: SessionState, phase: Phase, now: number): SessionState {
	if (phase === state.phase) return state;
	const next: SessionState = { ...state, phase, phaseStartedAt: now };
	if (state.startedAt === null && phase !== 'gathering') next.startedAt = now;
	// The presenter's return always gives them their voice back, even if a leader had put them
	// into listening by hand outside reflection.
	if (phase === 'reflection') next.listening = next.presenterId !== null;
	else if (state.phase === 'reflection' || phase === 'return' || phase === 'ended') next.listening = false;
	if (phase === 'case-call' && (state.phase === 'return' || state.phase === 'closing')) {
		next.caseNumber = Math.min(state.caseNumber + 1, MAX_CASES);
		next.presenterId = null;
		next.listening = false;
	}
	return next;
}

/** The whole rulebook: a pure function from state, actor and action to a new state or a refusal. */
export function applyAction(state: SessionState, actor: Actor, action: Action, now: number): Outcome {
	if (state.phase === 'ended') return refuse('session-ended');
	if (!mayAct(actor.role, action.type)) return refuse('not-allowed');

	switch (action.type) {
		case 'next-phase': {
			const phase = nextPhase(state.phase);
			if (!phase) return refuse('no-next-phase');
			return { ok: true, state: enterPhase(state, phase, now) };
		}
		case 'set-phase': {
			if (!isPhase(action.phase) || action.phase === 'ended') return refuse('unknown-phase');
			return { ok: true, state: enterPhase(state, action.phase, now) };
		}
		case 'make-presenter': {
			if (action.participantId === null) {
				return { ok: true, state: { ...state, presenterId: null, listening: false } };
			}
			const person = state.participants[action.participantId];
			if (!person) return refuse('unknown-participant');
			if (person.role !== 'member') return refuse('not-a-member');
			if (state.presenterId === person.id) return { ok: true, state };
			// A new presenter starts listening only if the group is already reflecting.
			let next = withParticipant(state, person.id, { handRaisedAt: null });
			next = { ...next, presenterId: person.id, listening: state.phase === 'reflection' };
			return { ok: true, state: next };
		}
		case 'set-listening': {
			if (action.listening && state.presenterId === null) return refuse('no-presenter');
			return { ok: true, state: { ...state, listening: action.listening } };
		}
		case 'raise-hand': {
			const me = state.participants[actor.id];
			if (!me) return refuse('unknown-participant');
			if (state.listening && state.presenterId === actor.id) return refuse('presenter-listening');
			if (me.handRaisedAt !== null) return { ok: true, state };
			const handCounter = state.handCounter + 1;
			return {
				ok: true,
				state: { ...withParticipant(state, actor.id, { handRaisedAt: handCounter }), handCounter }
			};
		}
		case 'lower-hand': {
			const target = action.participantId ?? actor.id;
			if (target !== actor.id && !isLeader(actor.role)) return refuse('not-allowed');
			if (!state.participants[target]) return refuse('unknown-participant');
			return { ok: true, state: withParticipant(state, target, { handRaisedAt: null }) };
		}
		case 'share-timers':
			return { ok: true, state: { ...state, timersShared: action.shared } };
		case 'set-camera-rule':
			return { ok: true, state: { ...state, cameraOffWhileListening: action.cameraOffWhileListening } };
		case 'ask-help':
			return { ok: true, state: { ...state, helpRequested: action.on } };
		case 'mute': {
			// Muting is advisory and happens in the media room; the state does not change.
			const person = state.participants[action.participantId];
			if (!person) return refuse('unknown-participant');
			return { ok: true, state };
		}
		case 'remove': {
			const person = state.participants[action.participantId];
			if (!person) return refuse('unknown-participant');
			if (isLeader(person.role)) return refuse('cannot-remove-leader');
			return { ok: true, state: removeParticipant(state, person.id) };
		}
		case 'end-session':
			return { ok: true, state: enterPhase(state, 'ended', now) };
		case 'admit':
		case 'decline':
		case 'decline-new':
			// Admission concerns people not yet in the state: the server checks `mayAct` and
			// then calls `addParticipant`.
			return { ok: true, state };
	}
}

/**
 * A person enters the room (after admission, or directly as a leader) or comes back. Only a
 * member presents: a presenter restored from a replica who turns out not to be one is cleared.
 */
export function addParticipant(state: SessionState, person: Pick<Participant, 'id' | 'name' | 'role'>): SessionState {
	const existing = state.participants[person.id];
	const entry: Participant = existing ? { ...existing, connected: true } : { ...person, connected: true, handRaisedAt: null, inMedia: false };
	const next = { ...state, participants: { ...state.participants, [person.id]: entry } };
	return state.presenterId === person.id && entry.role !== 'member' ? { ...next, presenterId: null, listening: false } : next;
}

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
		cameraOffWhileListening: restored.cameraOffWhileListening
	};
	return { ...state, ...taken };
}

export function setInMedia(state: SessionState, id: string, inMedia: boolean): SessionState {
	const person = state.participants[id];
	if (!person || person.inMedia === inMedia) return state;
	return withParticipant(state, id, { inMedia });
}

export function setConnected(state: SessionState, id: string, connected: boolean): SessionState {
	const person = state.participants[id];
	if (!person || person.connected === connected) return state;
	return withParticipant(state, id, { connected });
}

/** Removing (or a person leaving for good) also clears their presenter role. */
export function removeParticipant(state: SessionState, id: string): SessionState {
	if (!state.participants[id]) return state;
	const participants = { ...state.participants };
	delete participants[id];
	const wasPresenter = state.presenterId === id;
	return {
		...state,
		participants,
		presenterId: wasPresenter ? null : state.presenterId,
		listening: wasPresenter ? false : state.listening
	};
}
