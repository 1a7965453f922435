import { randomBytes } from 'node:crypto';
import type { Role } from '../../session/roles';
import { setInMedia } from '../../session/participants';
import { publishingFor, type SessionState } from '../../session/state';
import { mediaRoomName, retried, type MediaService, type Publishing } from '../media';
import { disguisedTrack, reconcileMedia, type MediaTrackInfo } from '../media-reconcile';
import type { Connection, Connections } from './connections';

export interface MediaSyncOptions {
	groupId: string;
	/** LiveKit, when video is configured. */
	media?: MediaService | null;
	/** Seats in the media room, when the group's size is known; else the media default. */
	seats?: number;
	state: () => SessionState;
	/** Whether this person is let into the session now. */
	admits: (participantId: string) => boolean;
	commit: (next: SessionState) => void;
}

/**
 * A session's media room at LiveKit, held to the session: tokens for admitted people only,
 * publishing rights from the session's state, removals, and the room's move after one. The
 * one owner of the watch interval; `destroy` stops it and ends the media room.
 */
export class MediaSync {
	readonly #options: MediaSyncOptions;
	readonly #connections: Connections;
	/** Holds LiveKit's participant list against the session once video is in use (`#watch`). */
	#watchTimer: ReturnType<typeof setInterval> | null = null;
	/**
	 * The media room's generation: the next one each time a leader removes someone (`moveAfterRemoval`),
	 * random so that no later session of the group, nor this one after a restart, makes it again.
	 */
	#generation: string | null = null;
	/** When each socket last asked for its publishing rights (one LiveKit call each; see `joined`). */
	readonly #grantAskedAt = new WeakMap<Connection, number>();
	#stopped = false;

	constructor(connections: Connections, options: MediaSyncOptions) {
		this.#connections = connections;
		this.#options = options;
	}

	/** This session's media room at LiveKit now. */
	get room(): string {
		return mediaRoomName(this.#options.groupId, this.#generation);
	}

	/** LiveKit, while it is configured and running. */
	get service(): MediaService | null {
		const media = this.#options.media;
		return media?.available ? media : null;
	}

	/** A media token only for an admitted person; it carries no right to publish (see `token`). */
	token(conn: Connection): void {
		const media = this.service;
		if (!media) return this.#connections.send(conn, { type: 'refused', action: 'media-token', code: 'media-unavailable' });
		const { participantId, name, role } = conn.identity;
		this.#watch();
		const room = this.room;
		media
			.token(room, { participantId, name, role }, this.#options.seats)
			// The room moved while the token was made: one for the room it is in now.
			.then((token) => (room === this.room ? this.#connections.send(conn, { type: 'media-token', url: media.url, token }) : this.token(conn)))
			.catch(() => this.#connections.send(conn, { type: 'refused', action: 'media-token', code: 'media-unavailable' }));
	}

	/**
	 * A browser says it is in the media room now. It enters a few times a session at most (and
	 * LiveKit's webhook says the same): asking more often than every 2 s buys no more LiveKit calls.
	 */
	joined(conn: Connection): void {
		const now = Date.now();
		const askedAt = this.#grantAskedAt.get(conn);
		if (askedAt !== undefined && now - askedAt < 2000) return;
		this.#grantAskedAt.set(conn, now);
		this.#grant(conn.identity.participantId);
	}

	/**
	 * LiveKit's webhook: someone joined the media room. Only people admitted to this session
	 * may stay: a removed person's token stays valid for minutes. Everyone else gets the rights
	 * the session gives them now (their token carries none, and a change sent before they were
	 * in failed at LiveKit).
	 */
	joinedMedia(participantId: string): void {
		const person = this.#options.state().participants[participantId];
		if (!person || !this.#options.admits(participantId)) return this.remove('remove from media', participantId);
		this.#grant(participantId);
		this.#options.commit(setInMedia(this.#options.state(), participantId, true));
	}

	/**
	 * LiveKit's webhook: someone published a track. Sound disguised as another source (see
	 * `disguisedTrack`) is how a listening presenter could speak past the media server's check:
	 * whoever does it is put out of the media room at once.
	 */
	publishedMedia(participantId: string, track: MediaTrackInfo): void {
		if (disguisedTrack(track)) this.remove('remove for a disguised track', participantId);
	}

	/** The media server, not the client, closes the presenter's microphone while they listen. */
	setPublishing(participantId: string, role: Role, publishing: Publishing): void {
		this.#call('set publishing', (m) => m.setPublishing(this.room, participantId, role, publishing));
	}

	mute(participantId: string): void {
		this.#call('mute', (m) => m.muteMicrophone(this.room, participantId));
	}

	remove(what: string, participantId: string): void {
		this.#call(what, (m) => m.removeParticipant(this.room, participantId));
	}

	/**
	 * A removed person is put out of the media room, but LiveKit has been refreshing their token
	 * all along (with their rights of the moment), and a page they keep can use it to come back
	 * in for a moment at a time, long enough to see who is there. So the others move to a new
	 * media room: they are told first (their browsers fetch a token for it and enter it, a second
	 * or two without pictures), then the old room is deleted, and every token for it is worthless.
	 */
	moveAfterRemoval(removedId: string): void {
		const old = this.room;
		this.#call('remove', (m) => m.removeParticipant(old, removedId));
		// No token issued in this session yet: nobody holds one to come back with.
		if (!this.#watchTimer) return;
		this.#generation = randomBytes(6).toString('base64url');
		this.#connections.toAdmitted({ type: 'media-moved', mediaRoom: this.room });
		let state = this.#options.state();
		for (const id of Object.keys(state.participants)) state = setInMedia(state, id, false);
		this.#options.commit(state);
		// Until it is gone the old room is watched by nobody: its deletion is tried again.
		this.#call('end the old media room', (m) => retried(() => m.endRoom(old), 6, 250));
	}

	/** The media server is gone: the people in the room see the no-video notice instead. */
	gone(): void {
		this.#connections.toAdmitted({ type: 'media', available: false });
	}

	destroy(): void {
		this.#stopped = true;
		if (this.#watchTimer) clearInterval(this.#watchTimer);
		this.#watchTimer = null;
		// Not tried again: the group's next session may create a room of this name meanwhile.
		this.#call('end room', (m) => m.endRoom(this.room));
	}

	/**
	 * Gives someone in the media room what the session lets them publish now. Called by the
	 * webhook and by the person's own browser once it is in or back (either alone is enough);
	 * repeating it is harmless, and an observer's rights stay "nothing".
	 */
	#grant(participantId: string): void {
		const state = this.#options.state();
		const person = state.participants[participantId];
		if (!person || !this.#options.admits(participantId)) return;
		this.setPublishing(participantId, person.role, publishingFor(state, participantId));
	}

	/**
	 * Once the group uses video, LiveKit's own list of who is in the media room is held against
	 * the session every second (`reconcileMedia`): what the webhooks miss is caught within that.
	 */
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
					const state = this.#options.state();
					const admitted = (id: string) => (this.#options.admits(id) && state.participants[id] ? publishingFor(state, id) : null);
					for (const effect of reconcileMedia(participants, admitted)) {
						if (effect.type === 'remove') this.remove('remove from media', effect.participantId);
						else this.#grant(effect.participantId);
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
