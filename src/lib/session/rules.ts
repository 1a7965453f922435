import type { Action, ActionType, RefusalCode } from './action-schema';
import type { Effect } from './effects';
import { fullFor, QUIET_LOBBY, watcherPool, type LobbyView, type Waiting } from './lobby';
import { removeParticipant, withParticipant } from './participants';
import { isPhase, nextPhase, type Phase } from './phases';
import { isLeader, overrules, watchesOnly, type Role } from './roles';
import { formerEntry } from './entry';
import { currentSpeaker, dropFromRound, moveOn, reorderRound, roundRunning, speaksInRounds, startRound } from './rounds';
import { MAX_CASES, type SessionState } from './state';

/*
 * Where a new leader action goes: its shape in `action-schema.ts`, its rule here (and in
 * LEADER_ONLY), an effect in `effects.ts` if it reaches beyond the state (carried out by
 * `server/room/effects.ts`), and its button (`components/`).
 */

/** Who acts: the server fills this from authentication, never from the message. */
export interface Actor {
	id: string;
	role: Role;
}

/** The new state and what the server must do beyond it, in order; or a refusal, which changes nothing and does nothing. */
export type Outcome = { ok: true; state: SessionState; effects: Effect[] } | { ok: false; code: RefusalCode };

const LEADER_ONLY: ReadonlySet<ActionType> = new Set([
	'next-phase',
	'set-phase',
	'make-presenter',
	'set-listening',
	'share-timers',
	'set-camera-rule',
	'set-hand-rule',
	'mute',
	'ask-help',
	'admit',
	'decline',
	'decline-new',
	'remove',
	'end-session',
	'start-round',
	'reorder-round',
	'end-round',
	'admit-all'
]);

/** Whether a role may ask for this kind of action at all (the phase may still refuse it). */
export function mayAct(role: Role, type: ActionType): boolean {
	if (LEADER_ONLY.has(type)) return isLeader(role);
	if (type === 'raise-hand') return role === 'member';
	// Everyone who may have a hand may lower their own (not observers or a supervisor, who have
	// none); leaders may lower anyone's.
	if (type === 'lower-hand') return !watchesOnly(role);
	// Audio only is each person's own choice, observers and a supervisor included (they receive video too).
	if (type === 'set-audio-only') return true;
	// Whoever speaks in rounds; only on their own turn, unless a leader (see `decide`).
	if (type === 'round-next' || type === 'round-pass') return speaksInRounds(role);
	return false;
}

const leaderWaits = (w: Waiting): boolean => !!w.role && isLeader(w.role);

function refuse(code: RefusalCode): Outcome {
	return { ok: false, code };
}

function done(state: SessionState, ...effects: Effect[]): Outcome {
	return { ok: true, state, effects };
}

function withRound(state: SessionState, change: ReturnType<typeof moveOn>): Outcome {
	return change.ok ? done({ ...state, round: change.round }) : refuse(change.code);
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
	// Hands raised to speak in the reflection are not a queue for the return or the closing:
	// the presenter speaks first there, then the group talks freely.
	if (!handsStayUp(phase, state.keepHandsUp)) next.participants = lowerAllHands(state.participants);
	// A finished round gives way to the next phase; the end of the session ends any round.
	if (phase === 'ended' || (state.round && !roundRunning(state.round))) next.round = null;
	return listenerOutOfRound(next);
}

/** A presenter who listens only listens: a running round no longer comes to them (a turn they had stays theirs). */
function listenerOutOfRound(state: SessionState): SessionState {
	const round = state.round;
	if (!state.listening || !state.presenterId || !roundRunning(round) || round.order.indexOf(state.presenterId) < round.current) return state;
	return { ...state, round: dropFromRound(round, state.presenterId) };
}

/**
 * Someone leaves for good (not a lost connection): out of the state, and if they were let in,
 * their admission and their place in the media room go too.
 */
export function applyLeave(state: SessionState, participantId: string, admitted: boolean): { state: SessionState; effects: Effect[] } {
	if (!admitted) return { state, effects: [] };
	return { state: removeParticipant(state, participantId), effects: [{ type: 'left', participantId }] };
}

/** Whether hands raised earlier stay up in this phase: not in the return or the closing, unless the leaders keep them up. */
export function handsStayUp(phase: Phase, keepHandsUp: boolean): boolean {
	return keepHandsUp || (phase !== 'return' && phase !== 'closing');
}

function lowerAllHands(participants: SessionState['participants']): SessionState['participants'] {
	if (Object.values(participants).every((p) => p.handRaisedAt === null)) return participants;
	return Object.fromEntries(Object.entries(participants).map(([id, p]) => [id, p.handRaisedAt === null ? p : { ...p, handRaisedAt: null }]));
}

/**
 * The whole rulebook: a pure function from state, actor, action (and what the lobby looks like,
 * for the actions that concern it) to a new state and its effects, or a refusal.
 */
export function applyAction(state: SessionState, actor: Actor, action: Action, now: number, lobby: LobbyView = QUIET_LOBBY): Outcome {
	if (state.phase === 'ended') return refuse('session-ended');
	if (!mayAct(actor.role, action.type)) return refuse('not-allowed');
	const outcome = decide(state, actor, action, now, lobby);
	// Once a leader has acted, this session is the one that counts: no replica may replace it.
	if (outcome.ok && isLeader(actor.role)) outcome.effects.unshift({ type: 'close-restore' });
	return outcome;
}

function decide(state: SessionState, actor: Actor, action: Action, now: number, lobby: LobbyView): Outcome {
	switch (action.type) {
		case 'next-phase': {
			const phase = nextPhase(state.phase);
			if (!phase) return refuse('no-next-phase');
			return done(enterPhase(state, phase, now));
		}
		case 'set-phase': {
			if (!isPhase(action.phase) || action.phase === 'ended') return refuse('unknown-phase');
			return done(enterPhase(state, action.phase, now));
		}
		case 'make-presenter': {
			if (action.participantId === null) return done({ ...state, presenterId: null, listening: false });
			const person = state.participants[action.participantId];
			if (!person) return refuse('unknown-participant');
			if (person.role !== 'member') return refuse('not-a-member');
			if (state.presenterId === person.id) return done(state);
			// A new presenter starts listening only if the group is already reflecting.
			const next = withParticipant(state, person.id, { handRaisedAt: null });
			return done({ ...next, presenterId: person.id, listening: state.phase === 'reflection' });
		}
		case 'set-listening': {
			if (action.listening && state.presenterId === null) return refuse('no-presenter');
			return done(listenerOutOfRound({ ...state, listening: action.listening }));
		}
		case 'raise-hand': {
			const me = state.participants[actor.id];
			if (!me) return refuse('unknown-participant');
			if (state.listening && state.presenterId === actor.id) return refuse('presenter-listening');
			if (me.handRaisedAt !== null) return done(state);
			const handCounter = state.handCounter + 1;
			return done({ ...withParticipant(state, actor.id, { handRaisedAt: handCounter }), handCounter });
		}
		case 'lower-hand': {
			const target = action.participantId ?? actor.id;
			if (target !== actor.id && !isLeader(actor.role)) return refuse('not-allowed');
			if (!state.participants[target]) return refuse('unknown-participant');
			return done(withParticipant(state, target, { handRaisedAt: null }));
		}
		case 'share-timers':
			return done({ ...state, timersShared: action.shared });
		case 'set-camera-rule':
			return done({ ...state, cameraOffWhileListening: action.cameraOffWhileListening });
		case 'set-hand-rule':
			return done({ ...state, keepHandsUp: action.keepHandsUp });
		case 'ask-help':
			return done({ ...state, helpRequested: action.on });
		case 'mute': {
			// Muting is advisory and happens in the media room; the state does not change.
			if (!state.participants[action.participantId]) return refuse('unknown-participant');
			return done(state, { type: 'mute', participantId: action.participantId });
		}
		case 'remove': {
			const person = state.participants[action.participantId];
			if (!person) return refuse('unknown-participant');
			// Among leaders, only who `overrules` the other (never oneself): a co-leader cannot lock the leader out.
			if (isLeader(person.role) && (person.id === actor.id || !overrules(actor.role, person.role))) return refuse('cannot-remove-leader');
			return done(removeParticipant(state, person.id), { type: 'remove', participantId: person.id }, { type: 'move-media', removedId: person.id });
		}
		case 'end-session':
			return done(enterPhase(state, 'ended', now), { type: 'end' });
		case 'set-audio-only': {
			// Always the actor's own entry: nobody switches another person's video off.
			// The camera right at the media server follows (`effectsOfChange`).
			if (!state.participants[actor.id]) return refuse('unknown-participant');
			return done(withParticipant(state, actor.id, { audioOnly: action.on }));
		}
		case 'start-round':
			return withRound(state, startRound(state, action.startWith, action.order));
		case 'round-next':
		case 'round-pass': {
			if (!isLeader(actor.role) && roundRunning(state.round) && currentSpeaker(state) !== actor.id) return refuse('not-your-turn');
			return withRound(state, moveOn(state.round, action.type === 'round-pass'));
		}
		case 'reorder-round':
			return withRound(state, reorderRound(state.round, action.order));
		case 'end-round':
			// Ends a running round, or closes a finished one that is still shown.
			return state.round ? done({ ...state, round: null }) : refuse('no-round');
		// Admission concerns people not yet in the state: only the lobby changes.
		case 'admit': {
			const person = lobby.waiting.find((w) => w.participantId === action.participantId);
			if (!person) return refuse('unknown-participant');
			const full = fullFor(lobby, person.role);
			if (full) return refuse(full);
			return done(state, { type: 'admit', participantId: action.participantId }, { type: 'tell-lobby' });
		}
		case 'decline': {
			const person = lobby.waiting.find((w) => w.participantId === action.participantId);
			if (!person) return refuse('unknown-participant');
			// A waiting leader is refused only by one who overrules them; any leader may let them in.
			if (person.role && isLeader(person.role) && !overrules(actor.role, person.role)) return refuse('cannot-refuse-leader');
			return done(state, { type: 'decline', participantIds: [action.participantId] }, { type: 'tell-lobby' });
		}
		case 'decline-new': {
			// A waiting leader is looked at and refused alone, never swept away with a flood.
			const newcomers = lobby.waiting.filter((w) => w.new && !leaderWaits(w)).map((w) => w.participantId);
			return done(state, { type: 'decline', participantIds: newcomers }, { type: 'tell-lobby' });
		}
		// The group arrives at once before the opening: one click lets in everyone waiting, in the
		// order they came, as far as the room has space; whoever does not fit keeps waiting.
		case 'admit-all': {
			// Whoever would take the place of someone whose connection is gone (the same name and
			// role: `enterRoom`) waits for a leader to admit them alone, having looked.
			const takesOver = (w: (typeof lobby.waiting)[number]) =>
				!!w.name && !!w.role && formerEntry(state, { id: w.participantId, name: w.name, role: w.role }) !== null;
			// A waiting leader is announced and let in alone, having been looked at.
			const chosen = (w: (typeof lobby.waiting)[number]) => (!action.role || w.role === action.role) && !leaderWaits(w);
			const waiting = [...new Map(lobby.waiting.filter((w) => chosen(w) && !takesOver(w)).map((w) => [w.participantId, w.role])).entries()];
			const [first] = waiting;
			if (!first) return done(state);
			// A demonstration group's watchers fill their own places, the working group its own:
			// a full part of the room holds back only those who would go there.
			const space = { working: lobby.capacity - lobby.inRoom, watchers: lobby.watchers ? lobby.watchers.capacity - lobby.watchers.inRoom : 0 };
			const admits: Effect[] = [];
			for (const [participantId, role] of waiting) {
				const part = watcherPool(lobby, role) ? 'watchers' : 'working';
				if (space[part] <= 0) continue;
				space[part]--;
				admits.push({ type: 'admit', participantId });
			}
			if (admits.length === 0) return refuse(fullFor(lobby, first[1]) ?? 'room-full');
			return done(state, ...admits, { type: 'tell-lobby' });
		}
	}
}
