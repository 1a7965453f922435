import type { Room, Track } from 'livekit-client';
import { isKeyError, ownKeyWrong, type LiveKit } from './encrypted-room';
import { RemoteAudio, tracksOf } from './room-tracks';

/**
 * What the gallery shows of the media room, by identity (participant id): pictures, open
 * microphones, who speaks, whose media cannot be decrypted here; and the group's voices, played.
 * Rebuilt from the Room's tracks on every change (`follow`).
 */
export class GalleryView {
	#videos = $state.raw<ReadonlyMap<string, Track>>(new Map());
	#micMuted = $state.raw<ReadonlySet<string>>(new Set());
	#speaking = $state.raw<ReadonlySet<string>>(new Set());
	#publishers = $state.raw<ReadonlySet<string>>(new Set());
	#undecryptable = $state.raw<ReadonlySet<string>>(new Set());
	readonly #audio: RemoteAudio;

	constructor(audioHost: HTMLElement) {
		this.#audio = new RemoteAudio(audioHost);
	}

	get videos(): ReadonlyMap<string, Track> {
		return this.#videos;
	}
	/** People with no open microphone, this person included. */
	get micMuted(): ReadonlySet<string> {
		return this.#micMuted;
	}
	get speaking(): ReadonlySet<string> {
		return this.#speaking;
	}
	/** Remote people who publish something. */
	get publishers(): ReadonlySet<string> {
		return this.#publishers;
	}
	/** Remote people whose media this browser cannot decrypt (a different media key). */
	get undecryptable(): ReadonlySet<string> {
		return this.#undecryptable;
	}
	/** This browser's own key is the wrong one (see `ownKeyWrong`). */
	get keyMismatch(): boolean {
		return ownKeyWrong(this.#publishers, this.#undecryptable);
	}

	/** A fresh Room: nobody's media has failed to decrypt in it yet. */
	reset(): void {
		this.#undecryptable = new Set();
	}

	speakers(identities: string[]): void {
		this.#speaking = new Set(identities);
	}

	/** A frame that could not be decrypted: whose key is wrong is for `keyMismatch` to say. */
	cannotDecrypt(error: Error, identity: string | undefined): void {
		if (!identity || !isKeyError(error) || this.#undecryptable.has(identity)) return;
		this.#undecryptable = new Set([...this.#undecryptable, identity]);
	}

	/** Rebuilds from the Room and plays its voices; answers whether anyone else's media is here (heard or seen). */
	follow(room: Room, Source: LiveKit['Track']['Source']): boolean {
		const { videos, micMuted, publishers } = tracksOf(room, Source);
		const heard = this.#audio.follow(room, Source);
		this.#videos = videos;
		this.#micMuted = micMuted;
		this.#publishers = publishers;
		// Someone who left is no longer a reason for a warning.
		if ([...this.#undecryptable].some((id) => !room.remoteParticipants.has(id)))
			this.#undecryptable = new Set([...this.#undecryptable].filter((id) => room.remoteParticipants.has(id)));
		return heard > 0 || [...videos.keys()].some((id) => id !== room.localParticipant.identity);
	}

	/** The Room is let go: its voices stop playing. */
	release(): void {
		this.#audio.clear();
	}
}
