import type { Effect } from './effects';
import { DEMO_OBSERVERS } from './fishbowl';
import { entersDirectly, type Role } from './roles';

/**
 * People waiting in one group's lobby at once. A Balint group is 5-10 people with a few
 * observers; far more than that means someone holding a member link is flooding the leaders'
 * waiting list, which is then closed to newcomers until the leaders have dealt with it.
 */
export const MAX_WAITING = 40;

/**
 * How many people may be in one room at once: a conference group's seats with a little
 * headroom, otherwise 40 (a Balint group is 5 to 10, with leaders and observers). What a
 * leaked leader link can fill is one room, never the server.
 */
export function roomCapacity(seats?: number, demo = false): number {
	return (seats ? seats + 4 : 40) + (demo ? DEMO_OBSERVERS : 0);
}

/** How many may wait at once: a demonstration group's observers arrive together, beside its members. */
export function waitingCapacity(demo = false): number {
	return MAX_WAITING + (demo ? DEMO_OBSERVERS : 0);
}

/** One person in the lobby, as the rules see them. */
export interface Waiting {
	participantId: string;
	/** Not in this session before (see `WaitingPerson`): what "decline all new" sends away. */
	new: boolean;
	/** The link they came with, its role and generation (absent: the group's first): a replaced one sends them away. */
	role?: Role;
	linkGeneration?: number;
	/** The name they gave: "admit all" leaves to a leader whoever would take a disconnected person's place (`formerEntry`). */
	name?: string;
}

/** What the rules may know of the lobby and the room: the server fills it in, the rules only read it. */
export interface LobbyView {
	/** Who waits, in order of arrival. */
	waiting: readonly Waiting[];
	/** People in the room now… */
	inRoom: number;
	/** …and how many it may hold (`roomCapacity`). */
	capacity: number;
	/** How many may wait at once (`waitingCapacity`); `MAX_WAITING` when not given. */
	maxWaiting?: number;
}

/** Nobody waiting and room to spare: what rules that concern only the room see. (A literal: the page bundle keeps no call.) */
export const QUIET_LOBBY: LobbyView = { waiting: [], inRoom: 0, capacity: Infinity };

export function isFull(lobby: LobbyView): boolean {
	return lobby.inRoom >= lobby.capacity;
}

export function waits(lobby: LobbyView, participantId: string): boolean {
	return lobby.waiting.some((w) => w.participantId === participantId);
}

/** A leader replaced a link: whoever waits with an older generation of it is sent away, and the leaders hear of it. */
export function linkReplacedEffects(lobby: LobbyView, role: Role, generation: number): Effect[] {
	const stale = lobby.waiting.filter((w) => w.role === role && (w.linkGeneration ?? 0) < generation).map((w) => w.participantId);
	return [{ type: 'refuse-replaced', participantIds: stale }, { type: 'tell-lobby' }, { type: 'tell-link-replaced', role }];
}

/** Where a person's new socket goes: into the room, into the lobby, or away with a reason. */
export type Arrival = 'enter' | 'wait' | 'lobby-full' | 'room-full' | 'removed';

/**
 * Leaders enter directly, and so does anyone let in before (they keep their place even in a
 * full room); everyone else waits, unless the lobby is already flooded.
 */
export function arrival(role: Role, admittedBefore: boolean, lobby: LobbyView, removedBefore = false): Arrival {
	// A seat a leader removed from this session stays out (a tab that reloaded as it happened
	// never heard so); the person may come back only as someone new, through the lobby.
	if (removedBefore) return 'removed';
	if (!entersDirectly(role) && !admittedBefore) return lobby.waiting.length >= (lobby.maxWaiting ?? MAX_WAITING) ? 'lobby-full' : 'wait';
	return !admittedBefore && isFull(lobby) ? 'room-full' : 'enter';
}
