import type { Phase } from './phases';
import { isLeader, type Role } from './roles';

/** One admitted person as everyone sees them. Name and role come from the server's authentication. */
export interface Participant {
	id: string;
	name: string;
	role: Role;
	connected: boolean;
	/** Position in the hand queue, or null when the hand is down. Lower raised earlier. */
	handRaisedAt: number | null;
	/** In the media room right now, as the media server reports it. */
	inMedia: boolean;
	/** Chose audio only: the media server lets them publish no camera, and everyone's tile says so. */
	audioOnly: boolean;
}

/** A round (`rounds.ts`): everyone speaks in turn. Ids only: names come from the participants. */
export interface Round {
	/** Who speaks, in turn; fixed when the round starts (a leader may reorder who is still to come). */
	order: string[];
	/** Index of the current speaker in `order`; `order.length` once everyone has had their turn. */
	current: number;
	/** Who passed their turn (each had theirs already: they sit before `current`). */
	passed: string[];
}

/** Everything the shared document holds about one live session. Nothing here outlives it. */
export interface SessionState {
	/** Random per session; a new session behind the same links gets a new one. */
	sessionId: string;
	phase: Phase;
	presenterId: string | null;
	listening: boolean;
	caseNumber: number;
	/** Epoch ms when the group left `gathering`, null before. */
	startedAt: number | null;
	phaseStartedAt: number;
	plannedMinutes: number;
	timersShared: boolean;
	/** Group setting: the presenter's camera also closes while they listen. */
	cameraOffWhileListening: boolean;
	/** Group setting: hands raised in the reflection stay up through the return and the closing. */
	keepHandsUp: boolean;
	/** A leader asks the conference organiser for help. */
	helpRequested: boolean;
	/** Monotonic counter that orders raised hands. */
	handCounter: number;
	participants: Record<string, Participant>;
	/** The round under way (or just finished), null when there is none. */
	round: Round | null;
}

/** A session's planned length, in whole minutes; the server refuses anything outside. */
export const MIN_PLANNED_MINUTES = 15;
export const MAX_PLANNED_MINUTES = 600;
export const isPlannedMinutes = (value: unknown): value is number =>
	typeof value === 'number' && Number.isInteger(value) && value >= MIN_PLANNED_MINUTES && value <= MAX_PLANNED_MINUTES;
/** Cases in one session: far beyond any real meeting, and what a restore accepts. */
export const MAX_CASES = 20;
/** Seats in a media room: a conference group of 16 members, two leaders and a few observers. */
export const MAX_MEDIA_SEATS = 24;
/** A conference group's media room: its members, two leaders and up to four observers. */
export const seatsForMembers = (members: number): number => Math.min(MAX_MEDIA_SEATS, members + 2 + 4);
export const DEFAULT_PLANNED_MINUTES = 90;
/** Speakers in one round: more than any group; also what an action or a restore may carry. */
export const MAX_ROUND_SPEAKERS = 64;

export function initialState(sessionId: string, plannedMinutes: number, now: number): SessionState {
	return {
		sessionId,
		phase: 'gathering',
		presenterId: null,
		listening: false,
		caseNumber: 1,
		startedAt: null,
		phaseStartedAt: now,
		plannedMinutes,
		timersShared: false,
		cameraOffWhileListening: false,
		keepHandsUp: false,
		helpRequested: false,
		handCounter: 0,
		participants: {},
		round: null
	};
}

/** The hand queue in order of raising. */
export function handQueue(state: SessionState): Participant[] {
	return Object.values(state.participants)
		.filter((p) => p.handRaisedAt !== null)
		.sort((a, b) => (a.handRaisedAt ?? 0) - (b.handRaisedAt ?? 0));
}

/**
 * What a person may publish to the media room now: the presenter goes quiet while listening,
 * and someone in audio only sends no picture.
 */
export function publishingFor(state: SessionState, participantId: string): { microphone: boolean; camera: boolean } {
	const listening = state.listening && state.presenterId === participantId;
	const audioOnly = state.participants[participantId]?.audioOnly === true;
	return { microphone: !listening, camera: !(listening && state.cameraOffWhileListening) && !audioOnly };
}

/** Whether a leader or co-leader is in the room now (connected), to let people in. */
export function leaderPresent(state: SessionState): boolean {
	return Object.values(state.participants).some((p) => p.connected && isLeader(p.role));
}

export function presenter(state: SessionState): Participant | null {
	return state.presenterId ? (state.participants[state.presenterId] ?? null) : null;
}
