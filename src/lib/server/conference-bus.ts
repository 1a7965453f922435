import type { GroupSummary } from '../conference/types';
import type { PlenaryStatus } from '../sync/api-types';
import type { Awaitable } from './awaitable';
import type { Room } from './room';
import type { RoomRegistry } from './rooms';

/** What an organiser may send to every group of their conference. */
export type ConferenceCommand = { type: 'notice'; text: string } | { type: 'end-all' };

/**
 * How the organiser's overview (ConferenceHub) and the rooms reach each other: the groups'
 * summaries one way, the organiser's notices and "end all" the other. One process holds both
 * (`LocalConferenceBus`); with several, a conference's rooms live on different ones and a
 * shared bus carries the same three things between them.
 */
export interface ConferenceBus {
	/** Each group's summary now: an idle one for a group with no live room. */
	summaries(groupIds: string[]): Awaitable<GroupSummary[]>;
	/** Tells `listener` of every changed summary of any conference's group; the returned function stops it. */
	subscribe(listener: (conferenceId: string, summary: GroupSummary) => void): () => void;
	/** Carries a command to the live rooms of these groups of this conference: how many it reached. */
	send(conferenceId: string, groupIds: string[], command: ConferenceCommand): Awaitable<number>;
	/**
	 * The conference's plenary opened, ended, was renamed or its headcount changed: its group
	 * rooms tell their sockets (open and title only), the organisers' overviews hear all of it.
	 */
	tellPlenary(conferenceId: string, status: PlenaryStatus): Awaitable<void>;
	/** The plenary's status as last told; closed when never told. */
	plenary(conferenceId: string): Awaitable<PlenaryStatus>;
	/** Tells `listener` of every plenary status told; the returned function stops it. */
	subscribePlenary(listener: (conferenceId: string, status: PlenaryStatus) => void): () => void;
	close(): void;
}

const CLOSED: PlenaryStatus = { open: false, title: null, headcount: 0 };

export function idleSummary(groupId: string): GroupSummary {
	return {
		groupId,
		live: false,
		phase: 'gathering',
		members: 0,
		observers: 0,
		leaderPresent: false,
		waiting: 0,
		startedAt: null,
		plannedMinutes: 0,
		helpRequested: false
	};
}

/** The bus of one process: the rooms of its registry, which tells it of every change. */
export class LocalConferenceBus implements ConferenceBus {
	readonly #rooms: RoomRegistry;
	readonly #listeners = new Set<(conferenceId: string, summary: GroupSummary) => void>();
	/** The last summary told per group, so unchanged rooms tell nothing. */
	readonly #last = new Map<string, string>();
	/** Each open plenary's status, by conference: what a group room tells a socket that connects. */
	readonly #plenaries = new Map<string, PlenaryStatus>();
	readonly #plenaryListeners = new Set<(conferenceId: string, status: PlenaryStatus) => void>();

	constructor(rooms: RoomRegistry) {
		this.#rooms = rooms;
		rooms.onChange = (room) => this.#roomChanged(room);
		rooms.plenaryOf = (conferenceId) => this.#plenaries.get(conferenceId) ?? null;
	}

	tellPlenary(conferenceId: string, status: PlenaryStatus): void {
		const before = this.#plenaries.get(conferenceId) ?? CLOSED;
		if (status.open) this.#plenaries.set(conferenceId, status);
		else this.#plenaries.delete(conferenceId);
		if (before.open !== status.open || before.title !== status.title) {
			for (const room of this.#rooms.all()) {
				if (room.conferenceId !== conferenceId) continue;
				// One group's trouble must not keep the news from the others.
				try {
					room.plenary({ open: status.open, title: status.title });
				} catch {
					// That room's sockets hear of it when they connect again.
				}
			}
		}
		for (const listener of this.#plenaryListeners) listener(conferenceId, status);
	}

	plenary(conferenceId: string): PlenaryStatus {
		return this.#plenaries.get(conferenceId) ?? CLOSED;
	}

	subscribePlenary(listener: (conferenceId: string, status: PlenaryStatus) => void): () => void {
		this.#plenaryListeners.add(listener);
		return () => this.#plenaryListeners.delete(listener);
	}

	summaries(groupIds: string[]): GroupSummary[] {
		return groupIds.map((id) => this.#rooms.get(id)?.summary() ?? idleSummary(id));
	}

	subscribe(listener: (conferenceId: string, summary: GroupSummary) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	send(conferenceId: string, groupIds: string[], command: ConferenceCommand): number {
		const rooms = groupIds.map((id) => this.#rooms.get(id)).filter((room): room is Room => !!room && room.conferenceId === conferenceId);
		// One group's trouble must not keep the notice or the end from the others.
		let reached = 0;
		for (const room of rooms) {
			try {
				if (command.type === 'notice') room.notice(command.text);
				else room.end();
				reached += 1;
			} catch {
				// That room is skipped; the count the organiser sees says so.
			}
		}
		return reached;
	}

	#roomChanged(room: Room): void {
		const conferenceId = room.conferenceId;
		if (!conferenceId) return;
		const summary = room.summary();
		const text = JSON.stringify(summary);
		if (!summary.live) this.#last.delete(room.groupId);
		else if (this.#last.get(room.groupId) === text) return;
		else this.#last.set(room.groupId, text);
		for (const listener of this.#listeners) listener(conferenceId, summary);
	}

	close(): void {
		this.#listeners.clear();
		this.#last.clear();
		this.#plenaries.clear();
		this.#plenaryListeners.clear();
	}
}
