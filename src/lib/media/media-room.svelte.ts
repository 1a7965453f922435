import type { LocalAudioTrack, LocalParticipant, Room, Track } from 'livekit-client';

export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface MediaGrant {
	url: string;
	token: string;
}

/** What the media room needs from the session: tokens, and a word once it is in. */
export interface MediaSession {
	token(): Promise<MediaGrant>;
	/** Asks the server for this person's publishing rights (the token carries none). */
	joined(): void;
}

export interface MediaChoices {
	micOn: boolean;
	cameraOn: boolean;
	audioInput?: string;
	videoInput?: string;
}

/**
 * One person's connection to the group's LiveKit room: the single owner of the Room, its
 * E2EE worker and every attached element. livekit-client (~150 kB) is imported here only,
 * when a person enters the video room, so the pages before it stay light.
 */
export class MediaRoom {
	status = $state<MediaStatus>('idle');
	encrypted = $state(false);
	micOn = $state(false);
	cameraOn = $state(false);
	/** False while the media server has closed this person's microphone (listening). */
	micAllowed = $state(true);
	/** False while the media server has closed this person's camera (the group's camera rule). */
	cameraAllowed = $state(true);
	speaking = $state.raw<ReadonlySet<string>>(new Set());
	videos = $state.raw<ReadonlyMap<string, Track>>(new Map());
	micMuted = $state.raw<ReadonlySet<string>>(new Set());
	problem = $state<string | null>(null);
	/** The browser holds the group's sound back until the person clicks (autoplay rules). */
	audioBlocked = $state(false);

	/** Remote people who publish something, by identity (participant id). */
	publishers = $state.raw<ReadonlySet<string>>(new Set());
	/** Remote people whose media this browser cannot decrypt (a different media key). */
	undecryptable = $state.raw<ReadonlySet<string>>(new Set());

	#lk: typeof import('livekit-client') | null = null;
	#room: Room | null = null;
	#worker: Worker | null = null;
	#session: MediaSession | null = null;
	#mediaKey = '';
	#choices: MediaChoices | null = null;
	#attempts = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** Back in after a loss, waiting for the others' media before saying "connected" (`#back`). */
	#awaitingMedia = false;
	#awaitTimer: ReturnType<typeof setTimeout> | null = null;
	#audio = new Map<string, HTMLMediaElement>();
	#audioHost: HTMLElement;
	/** What the person chose; restored when the server gives the permission back. */
	#wantMic = false;
	#wantCamera = false;
	/** The session says this person listens (the presenter in reflection); see `setListening`. */
	#listening = false;
	/**
	 * At the presenter's return, their microphone captured while the media server's permission
	 * is on its way (see `setListening`): on a busy laptop the capture alone takes a second.
	 */
	#warmMic: Promise<LocalAudioTrack | null> | null = null;
	#warmMicTimer: ReturnType<typeof setTimeout> | null = null;
	/**
	 * The participant whose microphone publish is under way (permission changes come in bursts):
	 * another room's, or one that never got an answer within 15 s, holds nothing back.
	 */
	#micPendingFor: LocalParticipant | null = null;
	/** The newest attempt to enter (`#enter`): an older one still on its way gives up quietly. */
	#attempt = 0;

	constructor(audioHost: HTMLElement) {
		this.#audioHost = audioHost;
	}

	/**
	 * Enters the media room. Afterwards the room stays in it by itself: when LiveKit drops the
	 * connection for good (its server restarted, the network was gone too long), a fresh token
	 * is asked for and the room entered again, with backoff, until the person leaves.
	 */
	async connect(session: MediaSession, mediaKey: string, choices: MediaChoices): Promise<void> {
		this.#session = session;
		this.#mediaKey = mediaKey;
		this.#wantMic = choices.micOn;
		this.#wantCamera = choices.cameraOn;
		this.#choices = choices;
		this.status = 'connecting';
		const attempt = this.#attempt + 1;
		try {
			await this.#enter();
			if (!this.#closed() && this.#attempt === attempt) this.status = 'connected';
		} catch (error) {
			// Closed, or overtaken by a newer attempt (a move) that reports for itself.
			if (this.#closed() || this.#attempt !== attempt) return;
			this.problem = (error as Error)?.message ?? String(error);
			this.status = 'failed';
		}
	}

	/** Read through a method so that TypeScript does not narrow it across an await. */
	#closed(): boolean {
		return this.status === 'closed';
	}

	/** One attempt: a fresh token, a fresh Room and E2EE worker, then what the person wants published. */
	async #enter(): Promise<void> {
		const attempt = ++this.#attempt;
		const superseded = () => this.#closed() || this.#attempt !== attempt;
		const { url, token } = await this.#session!.token();
		const lk = (this.#lk ??= await import('livekit-client'));
		const { default: E2EEWorker } = await import('livekit-client/e2ee-worker?worker');
		const keyProvider = new lk.ExternalE2EEKeyProvider();
		await keyProvider.setKey(this.#mediaKey);
		// The person may have left, or a newer attempt begun, while the token and the library were on their way.
		if (superseded()) return;
		const choices = this.#choices!;
		const worker = new E2EEWorker();
		const room = new lk.Room({
			adaptiveStream: true,
			dynacast: true,
			encryption: { keyProvider, worker },
			audioCaptureDefaults: choices.audioInput ? { deviceId: choices.audioInput } : undefined,
			// A muted microphone is released, not just silenced: no packet leaves (the presenter
			// falls silent the moment listening begins) and the device's light goes off.
			publishDefaults: { stopMicTrackOnMute: true },
			// 540p is plenty for a gallery of eight faces, and spares a clinic laptop's CPU.
			videoCaptureDefaults: { resolution: lk.VideoPresets.h540.resolution, ...(choices.videoInput ? { deviceId: choices.videoInput } : {}) }
		});
		this.#release();
		this.#room = room;
		this.#worker = worker;
		this.undecryptable = new Set();
		const E = lk.RoomEvent;
		room
			.on(E.TrackSubscribed, () => this.#refresh())
			.on(E.TrackUnsubscribed, () => this.#refresh())
			.on(E.TrackMuted, (publication, participant) => {
				// A leader muted us (LiveKit mutes the published track): that is what we want now, so a
				// later permission change (the presenter's return) does not open the microphone again.
				if (participant === room.localParticipant && publication.source === lk.Track.Source.Microphone && this.micAllowed && !this.#listening)
					this.#wantMic = false;
				this.#refresh();
			})
			.on(E.TrackUnmuted, () => this.#refresh())
			.on(E.LocalTrackPublished, () => this.#refresh())
			.on(E.LocalTrackUnpublished, () => this.#refresh())
			.on(E.ParticipantDisconnected, () => this.#refresh())
			.on(E.ActiveSpeakersChanged, (speakers) => (this.speaking = new Set(speakers.map((s) => s.identity))))
			.on(E.Reconnecting, () => (this.status = 'reconnecting'))
			.on(E.Reconnected, () => {
				this.#back();
				// A reconnect may be a new join at LiveKit: ask for this person's rights again.
				this.#session?.joined();
			})
			.on(E.Disconnected, (reason) => {
				if (this.#room === room) this.#lost(reason);
			})
			.on(E.AudioPlaybackStatusChanged, () => (this.audioBlocked = !room.canPlaybackAudio))
			.on(E.ParticipantEncryptionStatusChanged, () => (this.encrypted = room.isE2EEEnabled))
			.on(E.EncryptionError, (error, participant) => this.#undecryptable(error, participant?.identity))
			.on(E.ParticipantPermissionsChanged, () => void this.#onPermissions());
		await room.setE2EEEnabled(true);
		await room.connect(url, token).catch((error: unknown) => {
			if (!superseded()) throw error;
		});
		if (this.#closed()) return this.#release();
		// A newer attempt has taken over: this one lets its own Room go, and says nothing.
		if (this.#room !== room || this.#attempt !== attempt) {
			void room.disconnect().catch(() => undefined);
			return;
		}
		// From here a drop is a loss to recover from (see #lost), not a failed first attempt.
		this.status = 'connected';
		this.#attempts = 0;
		this.encrypted = room.isE2EEEnabled;
		// Publishing rights come from the session, after joining (the token carries none): they
		// arrive as a permission change, which #onPermissions follows.
		this.#session!.joined();
		await this.#onPermissions();
	}

	/**
	 * LiveKit gave up on the connection. Leaving, being removed, another tab with the same
	 * person, or the room's end are final; anything else (a restarted media server, a long
	 * network cut) is entered again with a fresh token.
	 */
	#lost(reason: number | undefined): void {
		// Only a room we were in: a first attempt that fails is the caller's to report.
		if (this.status !== 'connected' && this.status !== 'reconnecting') return;
		const R = this.#lk!.DisconnectReason;
		const final = [R.CLIENT_INITIATED, R.DUPLICATE_IDENTITY, R.PARTICIPANT_REMOVED, R.ROOM_DELETED];
		if (reason !== undefined && final.includes(reason)) {
			this.status = 'failed';
			return;
		}
		this.status = 'reconnecting';
		this.#retry();
	}

	/**
	 * The session moved to a new media room (a leader removed someone and the old room is being
	 * deleted): leave the old one and enter the new one now, with a fresh token. The old room's
	 * end may have arrived first (a final "room deleted"), so this works from there too.
	 */
	move(): void {
		if (!this.#session || this.#closed()) return;
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
		this.#attempts = 0;
		// The old room's disconnect is ours, not a loss: `#lost` hears only the current room.
		this.#release();
		this.status = 'reconnecting';
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

	/**
	 * Connected again after a loss. Until the others' media arrives once more the room still says
	 * "reconnecting": frozen tiles and silence with no words would read as everyone having turned
	 * their camera off. Fifteen seconds at most, then the room says what it has.
	 */
	#back(): void {
		const room = this.#room;
		const others = room ? [...room.remoteParticipants.values()].some((p) => p.trackPublications.size > 0) : false;
		if (!others) {
			this.status = 'connected';
			return;
		}
		this.status = 'reconnecting';
		this.#awaitingMedia = true;
		if (this.#awaitTimer) clearTimeout(this.#awaitTimer);
		this.#awaitTimer = setTimeout(() => this.#mediaBack(), 15_000);
		this.#refresh();
	}

	#mediaBack(): void {
		if (this.#awaitTimer) clearTimeout(this.#awaitTimer);
		this.#awaitTimer = null;
		this.#awaitingMedia = false;
		if (this.status === 'reconnecting') this.status = 'connected';
	}

	#retry(): void {
		if (this.#retryTimer) return;
		const delay = Math.min(10_000, 500 * 2 ** this.#attempts++);
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (!this.#closed()) this.#tryEnter();
		}, delay);
	}

	/**
	 * A frame that could not be decrypted. When nobody's media can be read, this person's key
	 * is the wrong one (a link with a different key); when only one person's cannot, theirs is.
	 */
	#undecryptable(error: Error, identity: string | undefined): void {
		// The E2EE worker sends its reason as the message's first word ("InvalidKey: Decryption
		// failed…", "MissingKey: …"); an internal error says nothing about keys.
		if (!identity || !/^(InvalidKey|MissingKey):/.test(error?.message ?? '') || this.undecryptable.has(identity)) return;
		this.undecryptable = new Set([...this.undecryptable, identity]);
	}

	/**
	 * This browser's own key is the wrong one: at least two others publish, and nobody's media
	 * can be decrypted. With only one other person, either key could be the wrong one, so only
	 * their tile says so.
	 */
	get keyMismatch(): boolean {
		const others = [...this.publishers];
		return others.length >= 2 && others.every((id) => this.undecryptable.has(id));
	}

	#mayPublish(source: 'camera' | 'microphone'): boolean {
		const permissions = this.#room?.localParticipant.permissions;
		if (!permissions) return true;
		if (!permissions.canPublish) return false;
		const sources = permissions.canPublishSources ?? [];
		// An empty list means every source (LiveKit's convention).
		return sources.length === 0 || sources.includes(source === 'camera' ? 1 : 2);
	}

	/**
	 * The server closed or reopened our microphone (and, with the group's "camera off while
	 * listening", our camera): follow it, and republish what the person had on when allowed.
	 */
	async #onPermissions(): Promise<void> {
		const room = this.#room;
		if (!room) return;
		const local = room.localParticipant;
		const micAllowed = (this.micAllowed = this.#mayPublish('microphone'));
		const cameraAllowed = (this.cameraAllowed = this.#mayPublish('camera'));
		// Each on its own: a publish that hangs (LiveKit never answered) must not hold the other back.
		const mic = micAllowed && this.#wantMic && !this.#listening && !local.isMicrophoneEnabled && this.#micPendingFor !== local ? this.#publishMic(local) : null;
		const camera =
			!cameraAllowed && local.isCameraEnabled
				? local.setCameraEnabled(false)
				: cameraAllowed && this.#wantCamera && !local.isCameraEnabled
					? local.setCameraEnabled(true)
					: null;
		for (const change of [mic, camera]) void change?.then(() => this.#refresh()).catch(() => undefined);
		this.#refresh();
	}

	/**
	 * The shared session says this person now listens (or no longer does). The browser closes
	 * its own microphone at once, because the session's update reaches it before the media
	 * server's closing does; the media server's closing is what holds, whatever the browser
	 * does. At the end of listening the microphone comes back with the media server's
	 * permission (`#onPermissions`), or here if it was never taken away.
	 */
	setListening(listening: boolean): void {
		if (listening === this.#listening) return;
		this.#listening = listening;
		if (listening) this.#dropWarmMic();
		const microphone = this.#room?.localParticipant.getTrackPublication(this.#lk!.Track.Source.Microphone);
		if (!microphone?.track) {
			// The media server took the microphone away: it gives it back just after the session
			// says so. Capture now, publish the moment the permission comes.
			if (!listening && this.#wantMic) this.#warmUpMic();
			return;
		}
		if (listening && !microphone.isMuted) void microphone.mute().catch(() => undefined);
		if (!listening && microphone.isMuted && this.#wantMic && this.micAllowed) void microphone.unmute().catch(() => undefined);
	}

	#warmUpMic(): void {
		const room = this.#room;
		if (this.#warmMic || !room || !this.#lk) return;
		this.#warmMic = this.#lk.createLocalAudioTrack(room.options.audioCaptureDefaults).catch(() => null);
		// No permission within 10 s after all: the device is let go (its light goes off).
		this.#warmMicTimer = setTimeout(() => this.#dropWarmMic(), 10_000);
	}

	#takeWarmMic(): Promise<LocalAudioTrack | null> | null {
		const warm = this.#warmMic;
		this.#warmMic = null;
		if (this.#warmMicTimer) clearTimeout(this.#warmMicTimer);
		this.#warmMicTimer = null;
		return warm;
	}

	#dropWarmMic(): void {
		void this.#takeWarmMic()?.then((track) => track?.stop());
	}

	/** Publishes the microphone: the one captured ahead when there is one, else a new capture. */
	async #publishMic(local: LocalParticipant): Promise<void> {
		this.#micPendingFor = local;
		const giveUp = setTimeout(() => {
			if (this.#micPendingFor === local) this.#micPendingFor = null;
		}, 15_000);
		try {
			const warm = await this.#takeWarmMic();
			// Listening again, or another room, while it was captured: not this one.
			const usable = warm && warm.mediaStreamTrack.readyState === 'live' && this.#room?.localParticipant === local && !this.#listening;
			if (!usable) {
				warm?.stop();
				if (this.#room?.localParticipant === local && !this.#listening && this.#wantMic) await local.setMicrophoneEnabled(true);
				return;
			}
			await local.publishTrack(warm, { source: this.#lk!.Track.Source.Microphone }).catch((error: unknown) => {
				warm.stop();
				throw error;
			});
		} finally {
			clearTimeout(giveUp);
			if (this.#micPendingFor === local) this.#micPendingFor = null;
		}
		// What changed while it was published: listening began, or the person turned it off.
		if (this.#room?.localParticipant === local && (this.#listening || !this.#wantMic) && local.isMicrophoneEnabled) await local.setMicrophoneEnabled(false);
	}

	async setMic(on: boolean): Promise<void> {
		this.#wantMic = on;
		if (!on) this.#dropWarmMic();
		// A publish is on its way: it follows what the person wants once it is done (#publishMic).
		if (this.#micPendingFor && this.#micPendingFor === this.#room?.localParticipant) return;
		if (on && (!this.micAllowed || this.#listening)) return;
		await this.#room?.localParticipant.setMicrophoneEnabled(on);
		this.#refresh();
	}

	async setCamera(on: boolean): Promise<void> {
		this.#wantCamera = on;
		if (on && !this.#mayPublish('camera')) return;
		await this.#room?.localParticipant.setCameraEnabled(on);
		this.#refresh();
	}

	/** Called from a click: browsers let sound play once the person has interacted. */
	async startAudio(): Promise<void> {
		const room = this.#room;
		if (!room) return;
		await room.startAudio().catch(() => undefined);
		this.audioBlocked = !room.canPlaybackAudio;
	}

	async setSpeaker(deviceId: string): Promise<void> {
		await this.#room?.switchActiveDevice('audiooutput', deviceId);
	}

	/** Rebuilds the reactive view of tracks from the Room, and attaches remote audio. */
	#refresh(): void {
		const room = this.#room;
		if (!room) return;
		const videos = new Map<string, Track>();
		const muted = new Set<string>();
		const local = room.localParticipant;
		const Source = this.#lk!.Track.Source;
		for (const p of [local, ...room.remoteParticipants.values()]) {
			// Only a real picture from a camera goes on a tile: a track's declared kind is the
			// sender's word, its MediaStreamTrack's kind is what it carries.
			const video = [...p.trackPublications.values()].find((t) => t.source === Source.Camera && t.track?.mediaStreamTrack.kind === 'video' && !t.isMuted);
			if (video?.track) videos.set(p.identity, video.track);
			const mic = [...p.trackPublications.values()].find((t) => t.kind === 'audio');
			if (!mic || mic.isMuted) muted.add(p.identity);
		}
		const heard = new Set<string>();
		const publishers = new Set<string>();
		for (const p of room.remoteParticipants.values()) {
			if (p.trackPublications.size > 0) publishers.add(p.identity);
			for (const pub of p.trackPublications.values()) {
				// Sound is played only from a microphone: the one source the media server checks for it.
				if (pub.source !== Source.Microphone || pub.track?.mediaStreamTrack.kind !== 'audio') continue;
				heard.add(pub.trackSid);
				if (!this.#audio.has(pub.trackSid)) {
					const element = pub.track.attach();
					// Whose voice this is, for the media tests' receive statistics (an id, never a name).
					element.dataset.participantId = p.identity;
					this.#audioHost.append(element);
					this.#audio.set(pub.trackSid, element);
				}
			}
		}
		for (const [sid, element] of this.#audio) {
			if (!heard.has(sid)) {
				element.remove();
				this.#audio.delete(sid);
			}
		}
		this.videos = videos;
		this.publishers = publishers;
		if (this.#awaitingMedia && (heard.size > 0 || [...videos.keys()].some((id) => id !== local.identity))) this.#mediaBack();
		// Someone who left is no longer a reason for a warning.
		if ([...this.undecryptable].some((id) => !room.remoteParticipants.has(id)))
			this.undecryptable = new Set([...this.undecryptable].filter((id) => room.remoteParticipants.has(id)));
		this.micMuted = muted;
		this.micOn = !!local.isMicrophoneEnabled;
		this.cameraOn = !!local.isCameraEnabled;
	}

	/** Lets go of the current Room (a new attempt replaces it, or the person left). */
	#release(): void {
		this.#dropWarmMic();
		for (const element of this.#audio.values()) element.remove();
		this.#audio.clear();
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
		this.status = 'closed';
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
		if (this.#awaitTimer) clearTimeout(this.#awaitTimer);
		this.#awaitTimer = null;
		const room = this.#room;
		this.#release();
		await room?.disconnect().catch(() => undefined);
	}
}
