import type { MediaService } from './media';
import { Room } from './room';
import { SOCKET_LIMITS, type SocketLimits } from './socket-budget';

/** How long the id of an ended session is remembered for people who were away at its end. */
export const ENDED_MEMORY_MS = 10 * 60_000;

/**
 * Owns every live room; a room removes itself from here when it is destroyed. Of a session a
 * leader ended while someone was away, it remembers for a few minutes only its random id (no
 * name, no content), so that the person whose connection dropped is told it ended instead of
 * waiting in the next session's lobby.
 */
export class RoomRegistry {
	readonly #rooms = new Map<string, Room>();
	/** Group id → `<until ms>:<session id>`, oldest first: one short string per ended session. */
	readonly #ended = new Map<string, string>();
	readonly #now: () => number;
	readonly #graceMs: number;
	readonly #media: MediaService | null;
	/** Told of every change in every room (the conference overview listens here). */
	onChange: ((room: Room) => void) | null = null;
	/** Sockets closed for taking more than their share, by why (counts only: no group, no person). */
	readonly cutOffs = { flooding: 0, notReading: 0 };

	readonly #socketLimits: SocketLimits;

	constructor(graceMs: number, media: MediaService | null = null, socketLimits: SocketLimits = SOCKET_LIMITS, now: () => number = Date.now) {
		this.#graceMs = graceMs;
		this.#media = media;
		this.#socketLimits = socketLimits;
		this.#now = now;
	}

	/** The session of this group that a leader ended in the last minutes, if any. */
	#recentlyEnded(groupId: string): string | undefined {
		this.#forgetExpired();
		const entry = this.#ended.get(groupId);
		return entry?.slice(entry.indexOf(':') + 1);
	}

	#rememberEnded(room: Room): void {
		this.#forgetExpired();
		// Deleted first, so that the map stays in order of time and the sweep can stop early.
		this.#ended.delete(room.groupId);
		this.#ended.set(room.groupId, `${this.#now() + ENDED_MEMORY_MS}:${room.state.sessionId}`);
	}

	#forgetExpired(): void {
		const now = this.#now();
		for (const [groupId, entry] of this.#ended) {
			if (Number(entry.slice(0, entry.indexOf(':'))) > now) break;
			this.#ended.delete(groupId);
		}
	}

	get size(): number {
		return this.#rooms.size;
	}

	get(groupId: string): Room | undefined {
		return this.#rooms.get(groupId);
	}

	open(groupId: string, plannedMinutes: number, conferenceId: string | null = null, seats?: number, demo = false): Room {
		const existing = this.#rooms.get(groupId);
		if (existing && !existing.destroyed) return existing;
		const room = new Room(groupId, plannedMinutes, {
			graceMs: this.#graceMs,
			media: this.#media,
			socketLimits: this.#socketLimits,
			conferenceId,
			seats,
			demo,
			endedSessionId: this.#recentlyEnded(groupId),
			onEnded: (r) => this.#rememberEnded(r),
			onChange: (r) => this.onChange?.(r),
			onCutOff: (why) => void this.cutOffs[why]++,
			onDestroyed: (r) => {
				if (this.#rooms.get(r.groupId) === r) this.#rooms.delete(r.groupId);
			}
		});
		this.#rooms.set(groupId, room);
		return room;
	}

	/** The media server is gone: everyone in every room is told that there is no video now. */
	mediaGone(): void {
		for (const room of this.#rooms.values()) room.mediaGone();
	}

	closeAll(): void {
		this.#ended.clear();
		for (const room of [...this.#rooms.values()]) room.destroy();
	}
}
