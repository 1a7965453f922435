import { MAX_PLENARY_PEOPLE, type PlenaryParticipant, type PlenaryRefusal, type PlenaryRole, type PlenaryState } from './protocol';
import type { PlenaryClientMessage } from './protocol-schema';

/**
 * The plenary's rulebook: pure functions that return the new state and its effects as data, or
 * a refusal code, like `session/rules.ts` for a group. The plenary room (server/plenary/) only
 * carries them out. Who may do what:
 * - anyone who speaks (moderators and participants) raises and lowers their own hand; hands queue
 *   in the order raised; listeners never speak, so they raise none (`not-a-speaker`);
 * - a moderator lowers anyone's hand, asks the media server to mute anyone's microphone, pins a
 *   speaker for everyone (or unpins), and removes anyone but another moderator (`not-removable`);
 * - only the organiser ends the plenary.
 */

/** Who acts: from the ticket, never from the message. */
export interface PlenaryActor {
	id: string;
	role: PlenaryRole;
	organiser: boolean;
}

/** What someone may ask that changes the plenary (the rest of the wire is the room's business). */
export type PlenaryAction = Extract<PlenaryClientMessage, { type: 'raise-hand' | 'lower-hand' | 'mute' | 'remove' | 'pin' | 'end' }>;

/** What a change means outside the state: the room carries these out. */
export type PlenaryEffect = { type: 'mute'; participantId: string } | { type: 'remove'; participantId: string } | { type: 'end' };

export type PlenaryOutcome = { ok: true; state: PlenaryState; effects: PlenaryEffect[] } | { ok: false; code: PlenaryRefusal };

/** Someone coming in, as their ticket says. */
export interface PlenaryArrival {
	id: string;
	name: string;
	role: PlenaryRole;
	group: string | null;
	organiser: boolean;
}

export function initialPlenary(title: string, now: number): PlenaryState {
	return { title, openedAt: now, pinned: null, handCounter: 0, participants: {} };
}

export const speaks = (role: PlenaryRole): boolean => role !== 'listener';

/** People connected now: the headcount the overview and the status show, and what the cap holds to. */
export function headcount(state: PlenaryState): number {
	return Object.values(state.participants).filter((p) => p.connected).length;
}

/** The hand queue in order of raising. */
export function handQueue(state: PlenaryState): PlenaryParticipant[] {
	return Object.values(state.participants)
		.filter((p) => p.handRaisedAt !== null)
		.sort((a, b) => (a.handRaisedAt ?? 0) - (b.handRaisedAt ?? 0));
}

function withParticipant(state: PlenaryState, person: PlenaryParticipant): PlenaryState {
	return { ...state, participants: { ...state.participants, [person.id]: person } };
}

/**
 * Someone enters (no admission: their link proves they belong to the conference), or comes back
 * to their own entry with its hand. Null when the plenary holds all it may. Entries of people whose
 * connection dropped make room for a newcomer, oldest first: a reloaded tab comes back as someone new.
 */
export function enterPlenary(state: PlenaryState, arrival: PlenaryArrival): PlenaryState | null {
	const existing = state.participants[arrival.id];
	if (existing) return existing.connected ? state : withParticipant(state, { ...existing, connected: true });
	if (headcount(state) >= MAX_PLENARY_PEOPLE) return null;
	let next = state;
	const entries = Object.values(state.participants);
	for (const gone of entries.filter((p) => !p.connected).slice(0, Math.max(0, entries.length + 1 - MAX_PLENARY_PEOPLE))) next = leavePlenary(next, gone.id);
	return withParticipant(next, { ...arrival, connected: true, handRaisedAt: null, inMedia: false });
}

/** A connection dropped: the entry stays (hand and pin too), marked as not connected. */
export function disconnected(state: PlenaryState, id: string): PlenaryState {
	const person = state.participants[id];
	return person?.connected ? withParticipant(state, { ...person, connected: false, inMedia: false }) : state;
}

/** In the media room or not, as LiveKit's webhook says. */
export function setPlenaryInMedia(state: PlenaryState, id: string, inMedia: boolean): PlenaryState {
	const person = state.participants[id];
	return person && person.inMedia !== inMedia ? withParticipant(state, { ...person, inMedia }) : state;
}

/** Someone left on purpose or was removed: their entry goes, and the speaker view with it if it was theirs. */
export function leavePlenary(state: PlenaryState, id: string): PlenaryState {
	if (!state.participants[id]) return state;
	const participants = { ...state.participants };
	delete participants[id];
	return { ...state, participants, pinned: state.pinned === id ? null : state.pinned };
}

function setHand(state: PlenaryState, person: PlenaryParticipant, up: boolean): PlenaryState {
	if (up === (person.handRaisedAt !== null)) return state;
	if (!up) return withParticipant(state, { ...person, handRaisedAt: null });
	const handCounter = state.handCounter + 1;
	return withParticipant({ ...state, handCounter }, { ...person, handRaisedAt: handCounter });
}

const refuse = (code: PlenaryRefusal): PlenaryOutcome => ({ ok: false, code });
const done = (state: PlenaryState, effects: PlenaryEffect[] = []): PlenaryOutcome => ({ ok: true, state, effects });

export function applyPlenaryAction(state: PlenaryState, actor: PlenaryActor, action: PlenaryAction): PlenaryOutcome {
	const self = state.participants[actor.id];
	// Someone removed, or whose entry is gone, asks nothing.
	if (!self) return refuse('not-allowed');
	const moderator = actor.role === 'moderator';
	if (action.type === 'raise-hand') return speaks(actor.role) ? done(setHand(state, self, true)) : refuse('not-a-speaker');
	if (action.type === 'end') return actor.organiser ? done(state, [{ type: 'end' }]) : refuse('not-allowed');
	if (action.type === 'lower-hand') {
		const id = action.participantId ?? actor.id;
		if (id !== actor.id && !moderator) return refuse('not-allowed');
		const person = state.participants[id];
		return person ? done(setHand(state, person, false)) : refuse('no-such-person');
	}
	if (!moderator) return refuse('not-allowed');
	if (action.type === 'pin') {
		if (action.participantId === null) return done(state.pinned === null ? state : { ...state, pinned: null });
		const person = state.participants[action.participantId];
		if (!person) return refuse('no-such-person');
		if (!speaks(person.role)) return refuse('not-a-speaker');
		return done(state.pinned === person.id ? state : { ...state, pinned: person.id });
	}
	const person = state.participants[action.participantId];
	if (!person) return refuse('no-such-person');
	if (action.type === 'mute') return speaks(person.role) ? done(state, [{ type: 'mute', participantId: person.id }]) : refuse('not-a-speaker');
	// action.type === 'remove'
	if (person.role === 'moderator') return refuse('not-removable');
	return done(leavePlenary(state, person.id), [{ type: 'remove', participantId: person.id }]);
}
