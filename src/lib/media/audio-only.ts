import type { RemoteTrackPublication, Room } from 'livekit-client';
import type { LiveKit } from './encrypted-room';

type Sources = LiveKit['Track']['Source'];

/**
 * What this browser receives: everything, or in audio only the voices alone (microphones),
 * so that no picture arrives at all: the others' camera publications are unsubscribed at the
 * media server, not just hidden. Publications that appear later (someone turns their camera
 * on, joins, or the room is entered again) are held to the same choice (`follow`).
 */
export class Receiving {
	#audioOnly = false;
	/** What was asked of the media server for each publication; unasked, the room's own default. */
	#asked = new WeakMap<RemoteTrackPublication, boolean>();
	/** Whether the current room subscribes to new publications by itself (its connect option). */
	#autoSubscribe = true;

	get audioOnly(): boolean {
		return this.#audioOnly;
	}

	set audioOnly(on: boolean) {
		this.#audioOnly = on;
	}

	/**
	 * The connect option for a room entered now: in audio only nothing is subscribed by itself,
	 * so not even the first moment of a picture arrives; the voices are asked for (`follow`).
	 */
	enter(): { autoSubscribe: boolean } {
		this.#asked = new WeakMap();
		this.#autoSubscribe = !this.#audioOnly;
		return { autoSubscribe: this.#autoSubscribe };
	}

	/** Subscribes to what is wanted now and unsubscribes from the rest; asks only for changes. */
	follow(room: Room, Source: Sources): void {
		for (const p of room.remoteParticipants.values()) {
			for (const pub of p.trackPublications.values()) {
				const want = !this.#audioOnly || pub.source === Source.Microphone;
				if ((this.#asked.get(pub) ?? this.#autoSubscribe) === want) continue;
				this.#asked.set(pub, want);
				pub.setSubscribed(want);
			}
		}
	}
}
