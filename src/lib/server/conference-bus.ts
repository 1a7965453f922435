import type { GroupSummary } from '../conference/types';
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
	close(): void;
}

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

	constructor(rooms: RoomRegistry) {
		this.#rooms = rooms;
		rooms.onChange = (room) => this.#roomChanged(room);
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
	}
}
