import type { EventEmitter } from 'node:events';
import { AudioStream, Room, RoomEvent, TrackKind, VideoStream, type E2EEOptions, type RemoteTrack } from '@livekit/rtc-node';

/**
 * A lightweight real WebRTC participant without a browser: `@livekit/rtc-node` (LiveKit's Rust
 * SDK with libwebrtc, through a prebuilt native binding) joins a LiveKit room with a token,
 * subscribes to everyone, decrypts with the group's media key and decodes. Dozens fit in one
 * Node process where each browser would take a few hundred MB and a share of a core.
 */

/**
 * The E2EE options that match the app's browsers. They hand livekit-client's
 * `ExternalE2EEKeyProvider.setKey` the media key as a string: the worker imports the string's
 * UTF-8 bytes as PBKDF2 material and derives an AES-GCM key with the salt
 * "LKFrameEncryptionKey" (SHA-256, 100,000 iterations), one key shared by everyone. rtc-node's
 * defaults are that same salt, PBKDF2 and AES-GCM; the shared key is the same UTF-8 bytes.
 * The browser's ratchet window of 0 only matters when decryption fails (it never ratchets).
 */
export function mediaEncryption(mediaKey: string): E2EEOptions {
	return { keyProviderOptions: { sharedKey: new TextEncoder().encode(mediaKey) } };
}

/** What one remote track delivered, on this process's clock (`performance.now()`, ms). */
export interface ReceivedTrack {
	participant: string;
	kind: 'video' | 'audio';
	subscribedAt: number;
	/** The first decoded video frame, or the first decoded audio frame that is not silence. */
	firstFrameAt: number | null;
	frames: number;
}

export interface RtcSubscriber {
	identity: string;
	room: Room;
	/** When `connect` was called and when it returned. */
	joinStartedAt: number;
	connectedAt: number;
	tracks: ReceivedTrack[];
	/** Decryption errors LiveKit's SDK reported. */
	encryptionErrors: number;
	/**
	 * Resolves when `count` remote tracks of this kind (from the participants `from` accepts)
	 * have a first decoded frame, or rejects after `timeoutMs`.
	 */
	firstFrames(kind: 'video' | 'audio', count: number, timeoutMs: number, from?: (participant: string) => boolean): Promise<ReceivedTrack[]>;
	leave(): Promise<void>;
}

export interface SubscriberOptions {
	/** The group's media key (the link's `k`); without it the room is joined unencrypted. */
	mediaKey?: string;
	/**
	 * Keep reading (and so decoding into Node) every frame after the first. Off, a track's
	 * reader stops after its first decoded frame: the media still flows to this participant
	 * (LiveKit forwards and libwebrtc decodes it), but no frame is copied into JavaScript, which
	 * is what lets 40 subscribers share one process on two cores.
	 */
	keepReading?: boolean;
	/**
	 * The pitch the publishers' tone has (rtc-publisher's 440 Hz): audio counts as decoded only
	 * when that tone dominates a frame. Without it, any sound counts, and so would noise: Opus
	 * turns ciphertext decrypted with a wrong key into noise, where video decodes nothing.
	 */
	toneHz?: number;
	/**
	 * Give up on `connect` after this long (the room left, the promise rejected): on a starved
	 * machine rtc-node's connect can hang rather than fail, and one subscriber must not hold up the rest.
	 */
	connectTimeoutMs?: number;
}

/** Sound rather than the silence a decoder makes while nothing arrives. */
function loud(samples: Int16Array): boolean {
	for (const sample of samples) if (sample > 64 || sample < -64) return true;
	return false;
}

/** The share of a frame's energy at one pitch (Goertzel): near 1 for a clean tone, near 0 for noise. */
export function toneShare(samples: Int16Array, hz: number, sampleRate: number): number {
	const w = (2 * Math.PI * hz) / sampleRate;
	let energy = 0;
	let cos = 0;
	let sin = 0;
	for (const [n, sample] of samples.entries()) {
		energy += sample * sample;
		cos += sample * Math.cos(w * n);
		sin += sample * Math.sin(w * n);
	}
	return energy === 0 ? 0 : (2 * (cos * cos + sin * sin)) / (samples.length * energy);
}

export async function rtcSubscriber(url: string, token: string, options: SubscriberOptions = {}): Promise<RtcSubscriber> {
	const room = new Room();
	// rtc-node adds one listener per remote track: a fishbowl's 16 are no leak.
	(room as unknown as EventEmitter).setMaxListeners(0);
	const tracks: ReceivedTrack[] = [];
	const waiters = new Set<() => void>();
	const readers: ReadableStreamDefaultReader<unknown>[] = [];
	let encryptionErrors = 0;
	const changed = () => waiters.forEach((wake) => wake());

	async function read(track: RemoteTrack, received: ReceivedTrack): Promise<void> {
		let tonal = 0;
		try {
			// Inside the try: a track already gone when its stream is made (a starved machine) throws here.
			const stream = received.kind === 'video' ? new VideoStream(track) : new AudioStream(track);
			const reader = stream.getReader() as ReadableStreamDefaultReader<unknown>;
			readers.push(reader);
			for (;;) {
				const { done, value } = await reader.read();
				if (done) return;
				received.frames++;
				const audio = value as { data: Int16Array; sampleRate: number };
				// The tone in three frames in a row (30 ms): noise can look tonal in one frame by chance.
				if (options.toneHz && received.kind === 'audio') tonal = toneShare(audio.data, options.toneHz, audio.sampleRate) > 0.8 ? tonal + 1 : 0;
				const decoded = received.kind === 'video' || (options.toneHz ? tonal >= 3 : loud(audio.data));
				if (decoded && received.firstFrameAt === null) {
					received.firstFrameAt = performance.now();
					changed();
					if (!options.keepReading) return void (await reader.cancel());
				}
			}
		} catch {
			// the room was left or the track went away: nothing more to read
		}
	}

	room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
		const kind = track.kind === TrackKind.KIND_VIDEO ? 'video' : 'audio';
		const received: ReceivedTrack = { participant: participant.identity, kind, subscribedAt: performance.now(), firstFrameAt: null, frames: 0 };
		tracks.push(received);
		void read(track, received);
	});
	room.on(RoomEvent.EncryptionError, () => void encryptionErrors++);
	let subscriptionsFailed = 0;
	room.on(RoomEvent.TrackSubscriptionFailed, () => void subscriptionsFailed++);

	const joinStartedAt = performance.now();
	const connecting = room.connect(url, token, {
		autoSubscribe: true,
		dynacast: false,
		...(options.mediaKey ? { encryption: mediaEncryption(options.mediaKey) } : {})
	});
	if (options.connectTimeoutMs === undefined) await connecting;
	else {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const late = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`not connected to the media room within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
		});
		try {
			await Promise.race([connecting, late]);
		} catch (error) {
			// A connect that ends after all must not leave a participant behind.
			void connecting.then(() => room.disconnect()).catch(() => undefined);
			throw error;
		} finally {
			clearTimeout(timer);
		}
	}
	if (options.mediaKey) room.e2eeManager?.setEnabled(true);
	const connectedAt = performance.now();

	return {
		identity: room.localParticipant?.identity ?? '',
		room,
		joinStartedAt,
		connectedAt,
		tracks,
		get encryptionErrors() {
			return encryptionErrors;
		},
		firstFrames(kind, count, timeoutMs, from = () => true) {
			const mine = () => tracks.filter((t) => t.kind === kind && from(t.participant));
			return new Promise((resolve, reject) => {
				const check = () => {
					const done = mine().filter((t) => t.firstFrameAt !== null);
					if (done.length < count) return;
					waiters.delete(check);
					clearTimeout(timer);
					resolve(done);
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					const done = mine().filter((t) => t.firstFrameAt !== null).length;
					const waiting = mine().filter((t) => t.firstFrameAt === null);
					const from = waiting.map((t) => `${t.participant}: ${t.frames} frames`).join(', ');
					reject(
						new Error(
							`${room.localParticipant?.identity}: ${done} of ${count} ${kind} tracks decoded within ${timeoutMs} ms (${mine().length} subscribed; none yet from ${from || 'nobody'})`
						)
					);
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		async leave() {
			for (const reader of readers.splice(0)) await reader.cancel().catch(() => undefined);
			await room.disconnect();
		}
	};
}
