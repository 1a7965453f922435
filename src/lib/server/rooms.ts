import type { MediaService } from './media';
import { Room } from './room';

/** Owns every live room; a room removes itself from here when it is destroyed. */
export class RoomRegistry {
	readonly #rooms = new Map<string, Room>();
	readonly #graceMs: number;
	readonly #media: MediaService | null;
	/** Told of every change in every room (the conference overview listens here). */
	onChange: ((room: Room) => void) | null = null;

	constructor(graceMs: number, media: MediaService | null = null) {
		this.#graceMs = graceMs;
		this.#media = media;
	}

	get size(): number {
		return this.#rooms.size;
	}

	get(groupId: string): Room | undefined {
		return this.#rooms.get(groupId);
	}

	open(groupId: string, plannedMinutes: number, conferenceId: string | null = null, seats?: number): Room {
		const existing = this.#rooms.get(groupId);
		if (existing && !existing.destroyed) return existing;
		const room = new Room(groupId, plannedMinutes, {
			graceMs: this.#graceMs,
			media: this.#media,
			conferenceId,
			seats,
			onChange: (r) => this.onChange?.(r),
			onDestroyed: (r) => {
				if (this.#rooms.get(r.groupId) === r) this.#rooms.delete(r.groupId);
			}
		});
		this.#rooms.set(groupId, room);
		return room;
	}

	closeAll(): void {
		for (const room of [...this.#rooms.values()]) room.destroy();
	}
}
