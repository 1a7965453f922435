import type { Effect } from './effects';
import { addParticipant } from './participants';
import type { Participant, Round, SessionState } from './state';

/** Who enters the room, as the server's authentication (the link and the seat) says. */
export type Entering = Pick<Participant, 'id' | 'name' | 'role'>;

/**
 * The entry a person left behind when they closed their tab: the same name and role, under
 * another id, and nobody connected to it. Two connected people may share a name; only an
 * entry nobody holds is taken for theirs. The one shown longest in the room goes first.
 */
export function formerEntry(state: SessionState, person: Entering): Participant | null {
	if (state.participants[person.id]) return null;
	return Object.values(state.participants).find((p) => !p.connected && p.id !== person.id && p.name === person.name && p.role === person.role) ?? null;
}

/**
 * A person enters the room (let in from the lobby, directly as a leader, or back with their
 * seat). Someone back under a new id (a closed tab, a new admission) takes over their former
 * entry instead of standing beside it as a ghost: they keep their presenter role, listening
 * and hand, and the old entry goes, with its admission and its place in the media room
 * (`left`), so the old seat lets nobody in any more. Never two entries for one person.
 */
export function enterRoom(state: SessionState, person: Entering): { state: SessionState; effects: Effect[]; formerId: string | null } {
	const former = formerEntry(state, person);
	const entered = addParticipant(state, person);
	if (!former) return { state: entered, effects: [], formerId: null };
	return { state: takeOver(entered, former, person.id), effects: [{ type: 'left', participantId: former.id }], formerId: former.id };
}

/** The entry `id` takes the place of `former`: presenter (and so listening), hand and place in a round move over, the old entry goes. */
function takeOver(state: SessionState, former: Participant, id: string): SessionState {
	const current = state.participants[id];
	if (!current) return state;
	const participants = { ...state.participants, [id]: { ...current, handRaisedAt: current.handRaisedAt ?? former.handRaisedAt } };
	delete participants[former.id];
	return { ...state, participants, presenterId: state.presenterId === former.id ? id : state.presenterId, round: roundTakenOver(state.round, former.id, id) };
}

/** A round keeps the person's turn under their new id (unless the new id is in it already). */
function roundTakenOver(round: Round | null, formerId: string, id: string): Round | null {
	if (!round || !round.order.includes(formerId) || round.order.includes(id)) return round;
	const swap = (ids: readonly string[]) => ids.map((x) => (x === formerId ? id : x));
	return { ...round, order: swap(round.order), passed: swap(round.passed) };
}
