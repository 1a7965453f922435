import { AccessToken, EgressClient, RoomServiceClient, TrackSource, WebhookReceiver, type ParticipantPermission, type VideoGrant } from 'livekit-server-sdk';
import { watchesOnly, type Role } from '../session/roles';
import type { Logger } from './log';

/**
 * Everything the server says to LiveKit, in one place. LiveKit is the only party that can
 * close a microphone for real: `updateParticipant` replaces a participant's permission whole,
 * so every call sends every field (docs/media.md). Failures are logged without names and never
 * reach the session: the shared screen keeps working when media does not.
 */
export interface MediaSettings {
	url: string;
	apiKey: string;
	apiSecret: string;
	/** Token lifetime; clients ask for a new one when they (re)connect. */
	tokenTtlSeconds: number;
	maxParticipants: number;
	/** False once the media server is known to be gone (the app's own livekit-server gave up). */
	available?: () => boolean;
}

export interface MediaGrantee {
	participantId: string;
	name: string;
	role: Role;
}

/** What a person may publish right now. */
export interface Publishing {
	microphone: boolean;
	camera: boolean;
}

export function mayPublishAtAll(role: Role): boolean {
	return !watchesOnly(role);
}

/** The permission LiveKit should hold for a person, every field explicit. */
export function permissionFor(role: Role, publishing: Publishing): Partial<ParticipantPermission> {
	const sources: TrackSource[] = [];
	if (mayPublishAtAll(role) && publishing.camera) sources.push(TrackSource.CAMERA);
	if (mayPublishAtAll(role) && publishing.microphone) sources.push(TrackSource.MICROPHONE);
	return {
		canSubscribe: true,
		// An empty source list means "all sources" to LiveKit: publish nothing instead.
		canPublish: sources.length > 0,
		canPublishSources: sources,
		canPublishData: false,
		canUpdateMetadata: false,
		hidden: false,
		recorder: false
	};
}

/**
 * A group's media room at LiveKit. A session's room moves to the next generation when a leader
 * removes someone (`MediaSync#moveAfterRemoval`, server/room/media-sync.ts): LiveKit keeps refreshing a connected person's token, and
 * one for a room that no longer exists opens nothing (`auto_create: false`).
 */
export function mediaRoomName(groupId: string, generation: string | null = null): string {
	return generation === null ? `balint-${groupId}` : `balint-${groupId}.${generation}`;
}

/** The group and generation a media room name stands for, or null when it is none of ours. */
export function parseMediaRoomName(name: string): { groupId: string; generation: string | null } | null {
	const match = /^balint-([A-Za-z0-9_-]{8,64})(?:\.([A-Za-z0-9_-]{1,16}))?$/.exec(name);
	return match ? { groupId: match[1]!, generation: match[2] ?? null } : null;
}

/** A call tried again after a failure, `tries` times in all, waiting longer each time. */
export async function retried<T>(call: () => Promise<T>, tries: number, firstDelayMs: number): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await call();
		} catch (error) {
			if (attempt >= tries) throw error;
			await new Promise((r) => setTimeout(r, firstDelayMs * 2 ** (attempt - 1)).unref());
		}
	}
}

export class MediaService {
	readonly url: string;
	readonly #settings: MediaSettings;
	readonly #rooms: RoomServiceClient;
	readonly #egress: EgressClient;
	readonly #webhooks: WebhookReceiver;
	readonly #logger: Logger;
	/** A CreateRoom in flight per room, shared by simultaneous token requests. */
	readonly #creating = new Map<string, Promise<void>>();
	/** The last call queued per room (never rejects): one room's calls reach LiveKit in order. */
	readonly #queues = new Map<string, Promise<unknown>>();

	constructor(settings: MediaSettings, logger: Logger) {
		this.#settings = settings;
		this.url = settings.url;
		const apiHost = settings.url.replace(/^ws/, 'http');
		this.#rooms = new RoomServiceClient(apiHost, settings.apiKey, settings.apiSecret);
		this.#egress = new EgressClient(apiHost, settings.apiKey, settings.apiSecret);
		this.#webhooks = new WebhookReceiver(settings.apiKey, settings.apiSecret);
		this.#logger = logger;
	}

	get available(): boolean {
		return this.#settings.available?.() ?? true;
	}

	/**
	 * Creates the media room, or confirms it, before every token: LiveKit closes an empty room
	 * by itself (empty/departure timeout), and with `auto_create: false` a token for a closed
	 * room cannot join. CreateRoom on an existing room just returns it.
	 */
	ensureRoom(name: string, seats = this.#settings.maxParticipants): Promise<void> {
		let pending = this.#creating.get(name);
		if (!pending) {
			const created = this.#inOrder(name, () => this.#rooms.createRoom({ name, emptyTimeout: 300, departureTimeout: 60, maxParticipants: seats }));
			pending = created.then(() => undefined);
			this.#creating.set(name, pending);
			const forget = () => {
				if (this.#creating.get(name) === pending) this.#creating.delete(name);
			};
			pending.then(forget, forget);
		}
		return pending;
	}

	/**
	 * Runs one call for a room after every earlier call for that room has been answered, so a
	 * new session's CreateRoom cannot be undone by the last session's DeleteRoom still in
	 * flight, and permission updates arrive in the order the session changed.
	 */
	#inOrder<T>(room: string, call: () => Promise<T>): Promise<T> {
		const result = (this.#queues.get(room) ?? Promise.resolve()).then(call);
		const tail = result.then(
			() => undefined,
			() => undefined
		);
		this.#queues.set(room, tail);
		void tail.then(() => {
			if (this.#queues.get(room) === tail) this.#queues.delete(room);
		});
		return result;
	}

	/**
	 * A join token for one admitted person: this room only, never admin, record or hidden, and
	 * no right to publish. What a person may publish comes only from the session, live, as an
	 * UpdateParticipant once they are in (`setPublishing`): a token of ours, valid for minutes,
	 * reopens no microphone. (LiveKit refreshes a connected person's token with their current
	 * rights; one refreshed before listening began could rejoin a restarted LiveKit with a
	 * microphone until the webhook's grant closes it again: docs/media.md.)
	 */
	async token(room: string, grantee: MediaGrantee, seats?: number): Promise<string> {
		await this.ensureRoom(room, seats);
		const grant: VideoGrant = {
			roomJoin: true,
			room,
			canSubscribe: true,
			canPublish: false,
			canPublishSources: [],
			canPublishData: false,
			canUpdateOwnMetadata: false,
			roomCreate: false,
			roomAdmin: false,
			roomRecord: false,
			roomList: false,
			hidden: false,
			recorder: false
		};
		// A new AccessToken for every JWT: the SDK throws when one with sources is signed twice.
		const token = new AccessToken(this.#settings.apiKey, this.#settings.apiSecret, {
			identity: grantee.participantId,
			name: grantee.name,
			ttl: this.#settings.tokenTtlSeconds
		});
		token.addGrant(grant);
		return token.toJwt();
	}

	/** Server-enforced publishing rights, e.g. the presenter's microphone during listening. */
	async setPublishing(room: string, participantId: string, role: Role, publishing: Publishing): Promise<void> {
		await this.#inOrder(room, () => this.#rooms.updateParticipant(room, participantId, { permission: permissionFor(role, publishing) }));
	}

	/** Who LiveKit has in the room now, with their tracks (none when the room is gone). */
	async participants(room: string): Promise<{ identity: string; tracks: { type: number; source: number; mimeType: string }[] }[]> {
		return this.#inOrder(room, () => this.#rooms.listParticipants(room));
	}

	async removeParticipant(room: string, participantId: string): Promise<void> {
		await this.#inOrder(room, () => this.#rooms.removeParticipant(room, participantId));
	}

	/** Mutes one published microphone (advisory: the member may unmute). */
	async muteMicrophone(room: string, participantId: string): Promise<void> {
		await this.#inOrder(room, async () => {
			const person = await this.#rooms.getParticipant(room, participantId);
			for (const track of person.tracks) {
				if (track.source === TrackSource.MICROPHONE && !track.muted) await this.#rooms.mutePublishedTrack(room, participantId, track.sid, true);
			}
		});
	}

	async endRoom(name: string): Promise<void> {
		// A token asked for after this must create the room again, after the delete.
		this.#creating.delete(name);
		await this.#inOrder(name, () => this.#rooms.deleteRoom(name));
	}

	async stopEgress(egressId: string): Promise<void> {
		await this.#egress.stopEgress(egressId);
	}

	/** Verifies a webhook's signature (the body's SHA-256 in a JWT signed with our secret). */
	receiveWebhook(body: string, authorization: string | undefined) {
		return this.#webhooks.receive(body, authorization);
	}

	/** Runs a media call in the background; a failure is logged, never thrown into the session. */
	background(what: string, call: () => Promise<unknown>): void {
		call().catch((error: unknown) => {
			this.#logger.warn({ err: { message: (error as Error)?.message ?? String(error) } }, `media: ${what} failed`);
		});
	}
}
