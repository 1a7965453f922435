import { DEMO_OBSERVERS, watches } from '../../session/fishbowl';
import { roomCapacity, type LobbyView } from '../../session/lobby';
import { isLeader } from '../../session/roles';
import type { ServerMessage, WaitingPerson } from '../../sync/protocol';
import type { Connections } from './connections';

export interface LobbyOptions {
	/** Seats in the media room, when the group's size is known (`roomCapacity`). */
	seats?: number;
	/** A demonstration group: its watchers have places of their own in the room and the lobby (`LobbyView.watchers`). */
	demo?: boolean;
	/** This group's session that ended a few minutes ago, for those who were away then. */
	endedSessionId?: string;
	/** Whether a leader is in the room now, to let people in. */
	leaderPresent: () => boolean;
	/** Whether this installation has video, for the lobby's device check. */
	media: () => boolean;
}

/**
 * Who may be in one session's room and who waits to be: the people let in (kept while they
 * reconnect), the people known to it, and what the leaders and those waiting hear of it.
 */
export class Lobby {
	/** Who has been admitted to this session (kept while they reconnect). */
	readonly #admitted = new Set<string>();
	/** Who has been in this session at some point and was not removed: not "new" in the lobby. */
	readonly #known = new Set<string>();
	/** Seats a leader removed from this session: they stay out (`arrival`). */
	readonly #removed = new Set<string>();
	readonly #connections: Connections;
	readonly #options: LobbyOptions;

	constructor(connections: Connections, options: LobbyOptions) {
		this.#connections = connections;
		this.#options = options;
	}

	admits(participantId: string): boolean {
		return this.#admitted.has(participantId);
	}

	/** Let in: admitted from now on, and known to this session for good. */
	entered(participantId: string): void {
		this.#admitted.add(participantId);
		this.#known.add(participantId);
	}

	/** In the room before a server restart: back without a new admission. */
	readmit(participantIds: readonly string[]): void {
		for (const id of participantIds) this.#admitted.add(id);
	}

	/** Left for good: a new admission to come back. */
	left(participantId: string): void {
		this.#admitted.delete(participantId);
	}

	/** Removed by a leader: that seat stays out of this session; coming back is as someone new, through the lobby. */
	removed(participantId: string): void {
		this.#admitted.delete(participantId);
		this.#known.delete(participantId);
		this.#removed.add(participantId);
	}

	wasRemoved(participantId: string): boolean {
		return this.#removed.has(participantId);
	}

	/** The room is gone: nobody is let in any more. */
	clear(): void {
		this.#admitted.clear();
		this.#removed.clear();
	}

	waitingList(): WaitingPerson[] {
		return this.#connections
			.waiting()
			.map((c) => ({ participantId: c.identity.participantId, name: c.identity.name, role: c.identity.role, new: !this.#known.has(c.identity.participantId) }));
	}

	/**
	 * What the rules may know of the lobby and the room: who waits (with the link they came with),
	 * how full it is, and which leaders are in it (`arriving` left out: `heldAtDoor`).
	 */
	view(arriving?: string): LobbyView {
		const waiting = this.#connections.waiting().map(({ identity }) => ({
			participantId: identity.participantId,
			new: !this.#known.has(identity.participantId),
			role: identity.role,
			linkGeneration: identity.linkGeneration ?? 0,
			name: identity.name
		}));
		const leadersInRoom = [...this.#connections]
			.filter((c) => c.admitted && isLeader(c.identity.role) && c.identity.participantId !== arriving)
			.map((c) => c.identity.role);
		const { seats, demo } = this.#options;
		const capacity = roomCapacity(seats);
		if (!demo) return { waiting, inRoom: this.#connections.inRoom(), capacity, leadersInRoom };
		const watchers = { inRoom: this.#connections.inRoom((identity) => watches(identity.role)), capacity: DEMO_OBSERVERS };
		return { waiting, inRoom: this.#connections.inRoom((identity) => !watches(identity.role)), capacity, watchers, leadersInRoom };
	}

	waitingMessage(): ServerMessage {
		return { type: 'waiting', endedSessionId: this.#options.endedSessionId, leaderPresent: this.#options.leaderPresent(), media: this.#options.media() };
	}

	lobbyMessage(): ServerMessage {
		return { type: 'lobby', waiting: this.waitingList() };
	}

	/** The lobby is leaders' business: only they hear who waits. */
	tellLeaders(): void {
		this.#connections.toLeaders(this.lobbyMessage());
	}

	/** People in the lobby learn when a leader arrives or goes: someone is there to let them in, or not yet. */
	tellWaiting(): void {
		this.#connections.toWaiting(this.waitingMessage());
	}
}
