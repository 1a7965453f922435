import type { DisconnectReason, Room } from 'livekit-client';
import { encryptedRoom, roomKit, type LiveKit } from './encrypted-room';
import { GalleryView } from './gallery-view.svelte';
import type { MediaChoices, MediaSession, MediaStatus } from './media-types';
import { Receiving } from './audio-only';
import { Publishing } from './publishing.svelte';
import { QualityWatch } from './quality-watch.svelte';
import { Backoff, Comeback } from './reentry';

export type { MediaChoices, MediaGrant, MediaSession, MediaStatus } from './media-types';

/**
 * One person's connection to the group's LiveKit room: the single owner of the Room, its
 * E2EE worker and every attached element, and of the attempts to enter it again after a loss.
 * What this person publishes follows `Publishing`, what the gallery shows `gallery`; screens
 * read them and call methods. livekit-client is imported only on entering (`roomKit`), so the
 * pages before it stay light.
 */
export class MediaRoom {
	#status = $state<MediaStatus>('idle');
	#encrypted = $state(false);
	#micOn = $state(false);
	#cameraOn = $state(false);
	#problem = $state<string | null>(null);
	#audioBlocked = $state(false);
	readonly gallery: GalleryView;
	/** Whether to offer audio only: LiveKit has found this person's connection poor for a while. */
	readonly quality = new QualityWatch();
	readonly #receiving = new Receiving();

	#lk: LiveKit | null = null;
	#room: Room | null = null;
	#worker: Worker | null = null;
	#session: MediaSession | null = null;
	#mediaKey = '';
	#choices: MediaChoices | null = null;
	readonly #backoff = new Backoff();
	/** Back in after a loss, waiting for the others' media before saying "connected" (`#back`). */
	readonly #comeback = new Comeback(() => {
		if (this.#status === 'reconnecting') this.#status = 'connected';
	});
	readonly #publishing = new Publishing({ room: () => this.#room, lk: () => this.#lk, refresh: () => this.#refresh() });
	/** The newest attempt to enter (`#enter`): an older one still on its way gives up quietly. */
	#attempt = 0;

	constructor(audioHost: HTMLElement) {
		this.gallery = new GalleryView(audioHost);
	}

	get status(): MediaStatus {
		return this.#status;
	}
	get encrypted(): boolean {
		return this.#encrypted;
	}
	get micOn(): boolean {
		return this.#micOn;
	}
	get cameraOn(): boolean {
		return this.#cameraOn;
	}
	/** LiveKit's own reason for a failure to enter (English and technical: never shown). */
	get problem(): string | null {
		return this.#problem;
	}
	/** The browser holds the group's sound back until the person clicks (autoplay rules). */
	get audioBlocked(): boolean {
		return this.#audioBlocked;
	}

	/** False while the media server has closed this person's microphone (listening). */
	get micAllowed(): boolean {
		return this.#publishing.micAllowed;
	}
	/** False while the media server has closed this person's camera (the group's camera rule). */
	get cameraAllowed(): boolean {
		return this.#publishing.cameraAllowed;
	}

	/**
	 * Enters the media room. Afterwards the room stays in it by itself: when LiveKit drops the
	 * connection for good (its server restarted, the network was gone too long), a fresh token
	 * is asked for and the room entered again, with backoff, until the person leaves.
	 */
	async connect(session: MediaSession, mediaKey: string, choices: MediaChoices): Promise<void> {
		this.#session = session;
		this.#mediaKey = mediaKey;
		this.#publishing.choose(choices);
		this.#choices = choices;
		this.#status = 'connecting';
		const attempt = this.#attempt + 1;
		try {
			await this.#enter();
			if (!this.#closed() && this.#attempt === attempt) this.#status = 'connected';
		} catch (error) {
			// Closed, or overtaken by a newer attempt (a move) that reports for itself.
			if (this.#closed() || this.#attempt !== attempt) return;
			this.#problem = (error as Error)?.message ?? String(error);
			this.#status = 'failed';
		}
	}

	/** Read through a method so that TypeScript does not narrow it across an await. */
	#closed(): boolean {
		return this.#status === 'closed';
	}

	/** One attempt: a fresh token, a fresh Room and E2EE worker, then what the person wants published. */
	async #enter(): Promise<void> {
		const attempt = ++this.#attempt;
		const superseded = () => this.#closed() || this.#attempt !== attempt;
		const { url, token } = await this.#session!.token();
		const kit = await roomKit(this.#mediaKey);
		this.#lk = kit.lk;
		// The person may have left, or a newer attempt begun, while the token and the library were on their way.
		if (superseded()) return;
		const { room, worker } = encryptedRoom(kit, this.#choices!);
		this.#release();
		this.#room = room;
		this.#worker = worker;
		this.gallery.reset();
		this.#listen(room, kit.lk);
		await room.setE2EEEnabled(true);
		await room.connect(url, token, this.#receiving.enter()).catch((error: unknown) => {
			if (!superseded()) throw error;
		});
		if (this.#closed()) return this.#release();
		// A newer attempt has taken over: this one lets its own Room go, and says nothing.
		if (this.#room !== room || this.#attempt !== attempt) {
			void room.disconnect().catch(() => undefined);
			return;
		}
		// From here a drop is a loss to recover from (see #lost), not a failed first attempt.
		this.#status = 'connected';
		this.#backoff.reset();
		this.#encrypted = room.isE2EEEnabled;
		this.#receiving.follow(room, kit.lk.Track.Source);
		// Publishing rights come from the session, after joining (the token carries none): they
		// arrive as a permission change, which Publishing follows.
		this.#session!.joined();
		await this.#publishing.followPermissions();
	}

	#listen(room: Room, lk: LiveKit): void {
		const E = lk.RoomEvent;
		room
			.on(E.TrackPublished, () => this.#receiving.follow(room, lk.Track.Source))
			.on(E.ConnectionQualityChanged, (quality, participant) => {
				if (participant === room.localParticipant) this.quality.report(quality);
			})
			.on(E.TrackSubscribed, () => this.#refresh())
			.on(E.TrackUnsubscribed, () => this.#refresh())
			.on(E.TrackMuted, (publication, participant) => {
				if (participant === room.localParticipant && publication.source === lk.Track.Source.Microphone) this.#publishing.ownMicMuted();
				this.#refresh();
			})
			.on(E.TrackUnmuted, () => this.#refresh())
			.on(E.LocalTrackPublished, () => this.#refresh())
			.on(E.LocalTrackUnpublished, () => this.#refresh())
			.on(E.ParticipantDisconnected, () => this.#refresh())
			.on(E.ActiveSpeakersChanged, (speakers) => this.gallery.speakers(speakers.map((s) => s.identity)))
			.on(E.Reconnecting, () => (this.#status = 'reconnecting'))
			.on(E.Reconnected, () => {
				this.#back();
				// A reconnect may be a new join at LiveKit: ask for this person's rights again.
				this.#session?.joined();
			})
			.on(E.Disconnected, (reason) => {
				if (this.#room === room) this.#lost(reason);
			})
			.on(E.AudioPlaybackStatusChanged, () => (this.#audioBlocked = !room.canPlaybackAudio))
			.on(E.ParticipantEncryptionStatusChanged, () => (this.#encrypted = room.isE2EEEnabled))
			.on(E.EncryptionError, (error, participant) => this.gallery.cannotDecrypt(error, participant?.identity))
			.on(E.ParticipantPermissionsChanged, () => void this.#publishing.followPermissions());
	}

	/**
	 * LiveKit gave up on the connection. Leaving, being removed, another tab with the same
	 * person, or the room's end are final; anything else (a restarted media server, a long
	 * network cut) is entered again with a fresh token.
	 */
	#lost(reason: DisconnectReason | undefined): void {
		// Only a room we were in: a first attempt that fails is the caller's to report.
		if (this.#status !== 'connected' && this.#status !== 'reconnecting') return;
		const R = this.#lk!.DisconnectReason;
		const final = [R.CLIENT_INITIATED, R.DUPLICATE_IDENTITY, R.PARTICIPANT_REMOVED, R.ROOM_DELETED];
		if (reason !== undefined && final.includes(reason)) {
			this.#status = 'failed';
			return;
		}
		this.#status = 'reconnecting';
		this.#retry();
	}

	/**
	 * The session moved to a new media room (a leader removed someone and the old room is being
	 * deleted): leave the old one and enter the new one now, with a fresh token. The old room's
	 * end may have arrived first (a final "room deleted"), so this works from there too.
	 */
	move(): void {
		if (!this.#session || this.#closed()) return;
		this.#backoff.cancel();
		this.#backoff.reset();
		// The old room's disconnect is ours, not a loss: `#lost` hears only the current room.
		this.#release();
		this.#status = 'reconnecting';
		this.#tryEnter();
	}

	/** One more attempt to enter; on failure another, later, unless a newer attempt took over. */
	#tryEnter(): void {
		const attempt = this.#attempt + 1;
		const current = () => !this.#closed() && this.#attempt === attempt;
		this.#enter().then(
			() => {
				if (current()) this.#back();
			},
			() => {
				if (current()) this.#retry();
			}
		);
	}

	/** Connected again after a loss: "reconnecting" still, until the others' media is back too (`Comeback`). */
	#back(): void {
		const room = this.#room;
		const others = room ? [...room.remoteParticipants.values()].some((p) => p.trackPublications.size > 0) : false;
		if (!others) {
			this.#status = 'connected';
			return;
		}
		this.#status = 'reconnecting';
		this.#comeback.begin();
		this.#refresh();
	}

	#retry(): void {
		this.#backoff.schedule(() => {
			if (!this.#closed()) this.#tryEnter();
		});
	}

	setListening(listening: boolean): void {
		this.#publishing.setListening(listening);
	}

	setMic(on: boolean): Promise<void> {
		return this.#publishing.setMic(on);
	}

	setCamera(on: boolean): Promise<void> {
		return this.#publishing.setCamera(on);
	}

	/**
	 * Audio only, as the session says this person chose it: no picture sent (`Publishing`) or
	 * received (`Receiving`). The offer is put away meanwhile and does not return on switching back.
	 */
	async setAudioOnly(on: boolean): Promise<void> {
		if (on === this.#receiving.audioOnly) return;
		this.#receiving.audioOnly = on;
		if (on) this.quality.dismiss();
		if (this.#room) this.#receiving.follow(this.#room, this.#lk!.Track.Source);
		await this.#publishing.setAudioOnly(on).catch(() => undefined);
	}

	/** Called from a click: browsers let sound play once the person has interacted. */
	async startAudio(): Promise<void> {
		const room = this.#room;
		if (!room) return;
		await room.startAudio().catch(() => undefined);
		this.#audioBlocked = !room.canPlaybackAudio;
	}

	async setSpeaker(deviceId: string): Promise<void> {
		await this.#room?.switchActiveDevice('audiooutput', deviceId);
	}

	/** Rebuilds what the screens show from the Room's tracks. */
	#refresh(): void {
		const room = this.#room;
		if (!room) return;
		const othersHere = this.gallery.follow(room, this.#lk!.Track.Source);
		if (this.#comeback.waiting && othersHere) this.#comeback.end();
		this.#micOn = !!room.localParticipant.isMicrophoneEnabled;
		this.#cameraOn = !!room.localParticipant.isCameraEnabled;
	}

	/** Lets go of the current Room (a new attempt replaces it, or the person left). */
	#release(): void {
		this.#publishing.release();
		this.gallery.release();
		const room = this.#room;
		const worker = this.#worker;
		this.#room = null;
		this.#worker = null;
		void room
			?.disconnect()
			.catch(() => undefined)
			.finally(() => worker?.terminate());
		if (!room) worker?.terminate();
	}

	async destroy(): Promise<void> {
		this.#status = 'closed';
		this.#backoff.cancel();
		this.quality.stop();
		this.#comeback.cancel();
		const room = this.#room;
		this.#release();
		await room?.disconnect().catch(() => undefined);
	}
}
