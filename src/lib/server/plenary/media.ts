import type { PlenaryRole } from '../../plenary/protocol';
import type { Role } from '../../session/roles';
import { MAX_PLENARY_PEOPLE } from '../../plenary/protocol';
import type { MediaService, Publishing } from '../media';
import { disguisedTrack, reconcileMedia, type MediaTrackInfo } from '../media-reconcile';

/** The plenary's media room at LiveKit: one per conference. */
export function plenaryMediaRoom(conferenceId: string): string {
	return `plenary-${conferenceId}`;
}

/** The conference a plenary media room name stands for, or null when it is none. */
export function parsePlenaryMediaRoom(name: string): string | null {
	return /^plenary-([A-Za-z0-9_-]{8,64})$/.exec(name)?.[1] ?? null;
}

/**
 * What LiveKit is told of a plenary role: a listener is an observer (never publishes), everyone
 * else may publish sound and camera. The media server's permission vocabulary is the groups'.
 */
export function mediaRoleOf(role: PlenaryRole): Role {
	return role === 'listener' ? 'observer' : 'member';
}

const PUBLISH_ALL: Publishing = { microphone: true, camera: true };

export interface PlenaryMediaOptions {
	conferenceId: string;
	media: MediaService | null;
	/** The person's plenary role while they are in the plenary; null for anyone else (removed, left, never in). */
	roleOf: (participantId: string) => PlenaryRole | null;
}

/**
 * The plenary's side at LiveKit: tokens (with no right to publish, as for groups), each person's
 * rights once they are in (listeners none), a moderator's mute, removals, and the room's deletion
 * at the end. Like a group's `MediaSync` it holds LiveKit's list against the plenary every second
 * once video is in use, so someone removed whose token LiveKit keeps refreshing is put out again.
 * The one owner of that watch; `destroy` stops it and deletes the media room.
 */
export class PlenaryMedia {
	readonly room: string;
	readonly #options: PlenaryMediaOptions;
	#watchTimer: ReturnType<typeof setInterval> | null = null;
	#stopped = false;

	constructor(options: PlenaryMediaOptions) {
		this.#options = options;
		this.room = plenaryMediaRoom(options.conferenceId);
	}

	/** LiveKit, while it is configured and running. */
	get service(): MediaService | null {
		const media = this.#options.media;
		return media?.available ? media : null;
	}

	/** A join token for someone in the plenary; null when there is no media server or it failed. */
	async token(grantee: { participantId: string; name: string; role: PlenaryRole }): Promise<{ url: string; token: string } | null> {
		const media = this.service;
		if (!media || this.#stopped) return null;
		this.#watch();
		try {
			const token = await media.token(this.room, { ...grantee, role: mediaRoleOf(grantee.role) }, MAX_PLENARY_PEOPLE);
			return { url: media.url, token };
		} catch {
			return null;
		}
	}

	/** Someone is in the media room (their browser says so, or the webhook): their role's rights, or out. */
	grant(participantId: string): void {
		const role = this.#options.roleOf(participantId);
		if (role === null) return this.remove(participantId);
		this.#call('set publishing', (m) => m.setPublishing(this.room, participantId, mediaRoleOf(role), PUBLISH_ALL));
	}

	/** LiveKit's webhook: sound disguised as another source puts its publisher out at once. */
	published(participantId: string, track: MediaTrackInfo): void {
		if (disguisedTrack(track)) this.remove(participantId);
	}

	/** A moderator's mute: advisory, the person may unmute themselves. */
	mute(participantId: string): void {
		this.#call('mute', (m) => m.muteMicrophone(this.room, participantId));
	}

	remove(participantId: string): void {
		this.#call('remove from media', (m) => m.removeParticipant(this.room, participantId));
	}

	destroy(): void {
		if (this.#stopped) return;
		this.#stopped = true;
		if (this.#watchTimer) clearInterval(this.#watchTimer);
		this.#watchTimer = null;
		this.#call('end the plenary media room', (m) => m.endRoom(this.room));
	}

	#watch(): void {
		if (this.#watchTimer || this.#stopped) return;
		let busy = false;
		this.#watchTimer = setInterval(() => {
			const media = this.service;
			if (!media || busy) return;
			busy = true;
			media
				.participants(this.room)
				.then((participants) => {
					if (this.#stopped) return;
					const allowed = (id: string) => {
						const role = this.#options.roleOf(id);
						return role === null ? null : role === 'listener' ? { microphone: false, camera: false } : PUBLISH_ALL;
					};
					for (const effect of reconcileMedia(participants, allowed)) {
						if (effect.type === 'remove') this.remove(effect.participantId);
						else this.grant(effect.participantId);
					}
				})
				// No room at LiveKit (nobody entered yet, or it closed itself): nothing to hold.
				.catch(() => undefined)
				.finally(() => (busy = false));
		}, 1000);
		this.#watchTimer.unref?.();
	}

	#call(what: string, call: (media: MediaService) => Promise<unknown>): void {
		const media = this.service;
		if (media) media.background(what, () => call(media));
	}
}
