import type { Room, Track } from 'livekit-client';

export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

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

	#room: Room | null = null;
	#worker: Worker | null = null;
	#audio = new Map<string, HTMLMediaElement>();
	#audioHost: HTMLElement;
	/** What the person chose; restored when the server gives the permission back. */
	#wantMic = false;
	#wantCamera = false;

	constructor(audioHost: HTMLElement) {
		this.#audioHost = audioHost;
	}

	async connect(url: string, token: string, mediaKey: string, choices: MediaChoices): Promise<void> {
		this.status = 'connecting';
		try {
			const lk = await import('livekit-client');
			const { default: E2EEWorker } = await import('livekit-client/e2ee-worker?worker');
			const keyProvider = new lk.ExternalE2EEKeyProvider();
			await keyProvider.setKey(mediaKey);
			this.#worker = new E2EEWorker();
			const room = new lk.Room({
				adaptiveStream: true,
				dynacast: true,
				encryption: { keyProvider, worker: this.#worker },
				audioCaptureDefaults: choices.audioInput ? { deviceId: choices.audioInput } : undefined,
				videoCaptureDefaults: choices.videoInput ? { deviceId: choices.videoInput } : undefined
			});
			this.#room = room;
			const E = lk.RoomEvent;
			room
				.on(E.TrackSubscribed, () => this.#refresh())
				.on(E.TrackUnsubscribed, () => this.#refresh())
				.on(E.TrackMuted, () => this.#refresh())
				.on(E.TrackUnmuted, () => this.#refresh())
				.on(E.LocalTrackPublished, () => this.#refresh())
				.on(E.LocalTrackUnpublished, () => this.#refresh())
				.on(E.ParticipantDisconnected, () => this.#refresh())
				.on(E.ActiveSpeakersChanged, (speakers) => (this.speaking = new Set(speakers.map((s) => s.identity))))
				.on(E.Reconnecting, () => (this.status = 'reconnecting'))
				.on(E.Reconnected, () => (this.status = 'connected'))
				.on(E.Disconnected, () => {
					if (this.status !== 'closed') this.status = 'failed';
				})
				.on(E.AudioPlaybackStatusChanged, () => (this.audioBlocked = !room.canPlaybackAudio))
				.on(E.ParticipantEncryptionStatusChanged, () => (this.encrypted = room.isE2EEEnabled))
				.on(E.ParticipantPermissionsChanged, () => void this.#onPermissions());
			await room.setE2EEEnabled(true);
			await room.connect(url, token);
			this.status = 'connected';
			this.encrypted = room.isE2EEEnabled;
			this.#wantMic = choices.micOn;
			this.#wantCamera = choices.cameraOn;
			this.micAllowed = this.#mayPublish('microphone');
			this.cameraAllowed = this.#mayPublish('camera');
			if (choices.cameraOn && this.cameraAllowed) await room.localParticipant.setCameraEnabled(true);
			if (choices.micOn && this.micAllowed) await room.localParticipant.setMicrophoneEnabled(true);
			this.#refresh();
		} catch (error) {
			this.problem = (error as Error)?.message ?? String(error);
			this.status = 'failed';
		}
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
		this.micAllowed = this.#mayPublish('microphone');
		if (this.micAllowed && this.#wantMic) await local.setMicrophoneEnabled(true).catch(() => undefined);
		const cameraAllowed = (this.cameraAllowed = this.#mayPublish('camera'));
		if (!cameraAllowed && local.isCameraEnabled) await local.setCameraEnabled(false).catch(() => undefined);
		if (cameraAllowed && this.#wantCamera && !local.isCameraEnabled) await local.setCameraEnabled(true).catch(() => undefined);
		this.#refresh();
	}

	async setMic(on: boolean): Promise<void> {
		this.#wantMic = on;
		if (on && !this.micAllowed) return;
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
		for (const p of [local, ...room.remoteParticipants.values()]) {
			const video = [...p.trackPublications.values()].find((t) => t.kind === 'video' && t.track && !t.isMuted);
			if (video?.track) videos.set(p.identity, video.track);
			const mic = [...p.trackPublications.values()].find((t) => t.kind === 'audio');
			if (!mic || mic.isMuted) muted.add(p.identity);
		}
		const heard = new Set<string>();
		for (const p of room.remoteParticipants.values()) {
			for (const pub of p.trackPublications.values()) {
				if (pub.kind !== 'audio' || !pub.track) continue;
				heard.add(pub.trackSid);
				if (!this.#audio.has(pub.trackSid)) {
					const element = pub.track.attach();
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
		this.micMuted = muted;
		this.micOn = !!local.isMicrophoneEnabled;
		this.cameraOn = !!local.isCameraEnabled;
	}

	async destroy(): Promise<void> {
		this.status = 'closed';
		for (const element of this.#audio.values()) element.remove();
		this.#audio.clear();
		const room = this.#room;
		this.#room = null;
		await room?.disconnect().catch(() => undefined);
		this.#worker?.terminate();
		this.#worker = null;
	}
}
