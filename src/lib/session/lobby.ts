import type { Effect } from './effects';
import { watches } from './fishbowl';
import { entersDirectly, isLeader, overrules, type Role } from './roles';

/**
 * People waiting in one group's lobby at once. A Balint group is 5-10 people with a few
 * observers; far more than that means someone holding a member link is flooding the leaders'
 * waiting list, which is then closed to newcomers until the leaders have dealt with it.
 */
export const MAX_WAITING = 40;

/**
 * How many people may be in one room at once: a conference group's seats with a little
 * headroom, otherwise 40 (a Balint group is 5 to 10, with leaders and observers). What a
 * leaked leader link can fill is one room, never the server. A demonstration group's working
 * group keeps this bound; its watchers have their own (`LobbyView.watchers`).
 */
export function roomCapacity(seats?: number): number {
	return seats ? seats + 4 : 40;
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
	/** People in the room now (in a demonstration group, its working group: the watchers are counted apart)… */
	inRoom: number;
	/** …and how many it may hold (`roomCapacity`). */
	capacity: number;
	/** How many may wait at once (beside a demonstration group's watchers); `MAX_WAITING` when not given. */
	maxWaiting?: number;
	/**
	 * A demonstration group's watchers (`watches`), a pool of their own: how many are in the
	 * room and how many it may hold (`DEMO_OBSERVERS`), waiting and in the room together. Absent
	 * in a plain group, whose observers share the room with everyone else.
	 */
	watchers?: { inRoom: number; capacity: number };
	/**
	 * The roles of the leaders in the room now (connected and let in), the person arriving left
	 * out: whether one of them may hold a leader back at the door (`heldAtDoor`). Absent: none.
	 */
	leadersInRoom?: readonly Role[];
}

/** Nobody waiting and room to spare: what rules that concern only the room see. (A literal: the page bundle keeps no call.) */
export const QUIET_LOBBY: LobbyView = { waiting: [], inRoom: 0, capacity: Infinity };

export function isFull(lobby: LobbyView): boolean {
	return lobby.inRoom >= lobby.capacity;
}

/** The watchers' own pool when this person takes a watcher's place (a demonstration group's observer), else null: the working group's. */
export function watcherPool(lobby: LobbyView, role: Role | undefined): LobbyView['watchers'] | null {
	return lobby.watchers && role && watches(role) ? lobby.watchers : null;
}

const takesWatcherPlace = (lobby: LobbyView, role: Role | undefined): boolean => watcherPool(lobby, role) !== null;

/** Why someone of this role cannot be let in now, or null when their part of the room has space. */
export function fullFor(lobby: LobbyView, role: Role | undefined): 'room-full' | 'watchers-full' | null {
	const pool = watcherPool(lobby, role);
	if (pool) return pool.inRoom >= pool.capacity ? 'watchers-full' : null;
	return isFull(lobby) ? 'room-full' : null;
}

/**
 * Which part of the lobby someone waits in: a demonstration group's watchers apart, and leaders
 * held at the door apart (a flood of member links keeps no leader from the door, and copies of a
 * leaked leader link fill only their own part); everyone else together.
 */
function lobbyPart(lobby: LobbyView, role: Role | undefined): 'watchers' | 'leaders' | 'others' {
	if (takesWatcherPlace(lobby, role)) return 'watchers';
	return role && isLeader(role) ? 'leaders' : 'others';
}

/** Who waits in the same part of the lobby as someone of this role (`lobbyPart`). */
function waitingBeside(lobby: LobbyView, role: Role): number {
	const part = lobbyPart(lobby, role);
	return lobby.waiting.filter((w) => lobbyPart(lobby, w.role) === part).length;
}

export function waits(lobby: LobbyView, participantId: string): boolean {
	return lobby.waiting.some((w) => w.participantId === participantId);
}

/** A leader replaced a link: whoever waits with an older generation of it is sent away, and the leaders hear of it. */
export function linkReplacedEffects(lobby: LobbyView, role: Role, generation: number): Effect[] {
	const stale = lobby.waiting.filter((w) => w.role === role && (w.linkGeneration ?? 0) < generation).map((w) => w.participantId);
	return [{ type: 'refuse-replaced', participantIds: stale }, { type: 'tell-lobby' }, { type: 'tell-link-replaced', role }];
}

/**
 * A leader (or co-leader) arriving while someone who `overrules` them is in the room waits to be
 * let in, announced (issue 15: a leader link found in a lost laptop's history must not walk in
 * unseen). A co-leader present never holds the leader back; with nobody there, the passphrase
 * guards the door instead.
 */
export function heldAtDoor(role: Role | undefined, lobby: LobbyView): boolean {
	return !!role && isLeader(role) && (lobby.leadersInRoom ?? []).some((present) => overrules(present, role));
}

/** A waiting leader nobody in the room holds back any more (the one who did left): they go in, as they would arriving now. */
export function releasedLeader(lobby: LobbyView): string | null {
	return lobby.waiting.find((w) => w.role && isLeader(w.role) && !heldAtDoor(w.role, lobby))?.participantId ?? null;
}

/** Where a person's new socket goes: into the room, into the lobby, or away with a reason. */
export type Arrival = 'enter' | 'wait' | 'lobby-full' | 'room-full' | 'watchers-full' | 'removed';

/**
 * Leaders enter directly (unless held at the door, `heldAtDoor`), and so does anyone let in
 * before (they keep their place even in a full room); everyone else waits, unless the lobby is
 * already flooded. A demonstration group's watchers are turned away once as many watch and wait
 * as it may hold: no more could ever be let in.
 */
export function arrival(role: Role, admittedBefore: boolean, lobby: LobbyView, removedBefore = false): Arrival {
	// A seat a leader removed from this session stays out (a tab that reloaded as it happened
	// never heard so); the person may come back only as someone new, through the lobby.
	if (removedBefore) return 'removed';
	if ((!entersDirectly(role) || heldAtDoor(role, lobby)) && !admittedBefore) {
		const pool = watcherPool(lobby, role);
		if (pool) return waitingBeside(lobby, role) + pool.inRoom >= pool.capacity ? 'watchers-full' : 'wait';
		return waitingBeside(lobby, role) >= (lobby.maxWaiting ?? MAX_WAITING) ? 'lobby-full' : 'wait';
	}
	return (!admittedBefore && fullFor(lobby, role)) || 'enter';
}
