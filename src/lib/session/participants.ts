import { dropFromRound, speaksInRounds } from './rounds';
import type { Participant, SessionState } from './state';

/*
 * Changes to the roster that the server makes itself, outside any action: a person enters or
 * comes back, drops, enters the media room, or is gone for good.
 */

export function withParticipant(state: SessionState, id: string, change: Partial<Participant>): SessionState {
	const current = state.participants[id];
	if (!current) return state;
	return { ...state, participants: { ...state.participants, [id]: { ...current, ...change } } };
}

/**
 * A person enters the room (after admission, or directly as a leader) or comes back. Only a
 * member presents: a presenter restored from a replica who turns out not to be one is cleared.
 */
export function addParticipant(state: SessionState, person: Pick<Participant, 'id' | 'name' | 'role'>): SessionState {
	const existing = state.participants[person.id];
	const entry: Participant = existing ? { ...existing, connected: true } : { ...person, connected: true, handRaisedAt: null, inMedia: false, audioOnly: false };
	let next = { ...state, participants: { ...state.participants, [person.id]: entry } };
	// A round restored from a replica may name someone whose seat says they never speak in one.
	if (!speaksInRounds(entry.role)) next = { ...next, round: dropFromRound(next.round, person.id) };
	return state.presenterId === person.id && entry.role !== 'member' ? { ...next, presenterId: null, listening: false } : next;
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

/** Removing (or a person leaving for good) also clears their presenter role and takes them out of the round. */
export function removeParticipant(state: SessionState, id: string): SessionState {
	if (!state.participants[id]) return state;
	const participants = { ...state.participants };
	delete participants[id];
	const wasPresenter = state.presenterId === id;
	return {
		...state,
		participants,
		presenterId: wasPresenter ? null : state.presenterId,
		listening: wasPresenter ? false : state.listening,
		round: dropFromRound(state.round, id)
	};
}
