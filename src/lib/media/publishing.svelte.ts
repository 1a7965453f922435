import type { LocalParticipant, Room } from 'livekit-client';
import type { LiveKit } from './encrypted-room';
import type { MediaChoices } from './media-types';
import { WarmMic } from './warm-mic';

/** The Room that `Publishing` publishes into, as its owner (`MediaRoom`) holds it now. */
export interface Stage {
	room(): Room | null;
	lk(): LiveKit | null;
	/** The tracks changed: the owner rebuilds what the screen shows. */
	refresh(): void;
}

/**
 * What this person publishes, and when: the microphone and camera they chose, closed while
 * they listen (the presenter in reflection) or while the media server says so, and published
 * again when it gives the permission back.
 */
export class Publishing {
	/** False while the media server has closed this person's microphone (listening). */
	#micAllowed = $state(true);
	/** False while the media server has closed this person's camera (the group's camera rule). */
	#cameraAllowed = $state(true);
	/** What the person chose; restored when the server gives the permission back. */
	#wantMic = false;
	#wantCamera = false;
	/** The session says this person listens (the presenter in reflection); see `setListening`. */
	#listening = false;
	/** The person chose audio only: no camera is published, whatever they chose before (`setAudioOnly`). */
	#audioOnly = false;
	readonly #warmMic = new WarmMic();
	/**
	 * The participant whose microphone publish is under way (permission changes come in bursts):
	 * another room's, or one that never got an answer within 15 s, holds nothing back.
	 */
	#micPendingFor: LocalParticipant | null = null;
	readonly #stage: Stage;

	constructor(stage: Stage) {
		this.#stage = stage;
	}

	get micAllowed(): boolean {
		return this.#micAllowed;
	}
	get cameraAllowed(): boolean {
		return this.#cameraAllowed;
	}

	choose(choices: MediaChoices): void {
		this.#wantMic = choices.micOn;
		this.#wantCamera = choices.cameraOn;
	}

	/**
	 * LiveKit muted this person's published microphone while it was allowed: a leader muted
	 * them. That is what they want now, so a later permission change (the presenter's return)
	 * does not open the microphone again.
	 */
	ownMicMuted(): void {
		if (this.#micAllowed && !this.#listening) this.#wantMic = false;
	}

	#mayPublish(source: 'camera' | 'microphone'): boolean {
		const permissions = this.#stage.room()?.localParticipant.permissions;
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
	async followPermissions(): Promise<void> {
		const room = this.#stage.room();
		if (!room) return;
		const local = room.localParticipant;
		const micAllowed = (this.#micAllowed = this.#mayPublish('microphone'));
		const cameraAllowed = (this.#cameraAllowed = this.#mayPublish('camera'));
		// Each on its own: a publish that hangs (LiveKit never answered) must not hold the other back.
		const mic = micAllowed && this.#wantMic && !this.#listening && !local.isMicrophoneEnabled && this.#micPendingFor !== local ? this.#publishMic(local) : null;
		const camera =
			!cameraAllowed && local.isCameraEnabled
				? local.setCameraEnabled(false)
				: cameraAllowed && this.#wantCamera && !this.#audioOnly && !local.isCameraEnabled
					? local.setCameraEnabled(true)
					: null;
		for (const change of [mic, camera]) void change?.then(() => this.#stage.refresh()).catch(() => undefined);
		this.#stage.refresh();
	}

	/**
	 * The shared session says this person now listens (or no longer does). The browser closes
	 * its own microphone at once, because the session's update reaches it before the media
	 * server's closing does; the media server's closing is what holds, whatever the browser
	 * does. At the end of listening the microphone comes back with the media server's
	 * permission (`followPermissions`), or here if it was never taken away.
	 */
	setListening(listening: boolean): void {
		if (listening === this.#listening) return;
		this.#listening = listening;
		if (listening) this.#warmMic.drop();
		const room = this.#stage.room();
		const microphone = room?.localParticipant.getTrackPublication(this.#stage.lk()!.Track.Source.Microphone);
		if (!microphone?.track) {
			// The media server took the microphone away: it gives it back just after the session
			// says so. Capture now, publish the moment the permission comes.
			const lk = this.#stage.lk();
			if (!listening && this.#wantMic && room && lk) this.#warmMic.warmUp(() => lk.createLocalAudioTrack(room.options.audioCaptureDefaults));
			return;
		}
		if (listening && !microphone.isMuted) void microphone.mute().catch(() => undefined);
		if (!listening && microphone.isMuted && this.#wantMic && this.#micAllowed) void microphone.unmute().catch(() => undefined);
	}

	/** Publishes the microphone: the one captured ahead when there is one, else a new capture. */
	async #publishMic(local: LocalParticipant): Promise<void> {
		this.#micPendingFor = local;
		const giveUp = setTimeout(() => {
			if (this.#micPendingFor === local) this.#micPendingFor = null;
		}, 15_000);
		const current = () => this.#stage.room()?.localParticipant === local;
		try {
			const warm = await this.#warmMic.take();
			// Listening again, or another room, while it was captured: not this one.
			const usable = warm && warm.mediaStreamTrack.readyState === 'live' && current() && !this.#listening;
			if (!usable) {
				warm?.stop();
				if (current() && !this.#listening && this.#wantMic) await local.setMicrophoneEnabled(true);
				return;
			}
			await local.publishTrack(warm, { source: this.#stage.lk()!.Track.Source.Microphone }).catch((error: unknown) => {
				warm.stop();
				throw error;
			});
		} finally {
			clearTimeout(giveUp);
			if (this.#micPendingFor === local) this.#micPendingFor = null;
		}
		// What changed while it was published: listening began, or the person turned it off.
		if (current() && (this.#listening || !this.#wantMic) && local.isMicrophoneEnabled) await local.setMicrophoneEnabled(false);
	}

	async setMic(on: boolean): Promise<void> {
		this.#wantMic = on;
		if (!on) this.#warmMic.drop();
		const local = this.#stage.room()?.localParticipant;
		// A publish is on its way: it follows what the person wants once it is done (#publishMic).
		if (this.#micPendingFor && this.#micPendingFor === local) return;
		if (on && (!this.#micAllowed || this.#listening)) return;
		await local?.setMicrophoneEnabled(on);
		this.#stage.refresh();
	}

	async setCamera(on: boolean): Promise<void> {
		this.#wantCamera = on;
		if (on && (!this.#mayPublish('camera') || this.#audioOnly)) return;
		await this.#stage.room()?.localParticipant.setCameraEnabled(on);
		this.#stage.refresh();
	}

	/**
	 * Audio only: the camera is unpublished and stopped, not muted, so that not a byte of
	 * picture leaves and its light goes off (the media server also withdraws the right to
	 * publish it, from the session). Back from it, the camera returns only if the person had it
	 * on, once the media server allows it again (`followPermissions`), or now if it never stopped.
	 */
	async setAudioOnly(on: boolean): Promise<void> {
		this.#audioOnly = on;
		const local = this.#stage.room()?.localParticipant;
		if (!local) return;
		const camera = local.getTrackPublication(this.#stage.lk()!.Track.Source.Camera);
		if (on && camera?.track) await local.unpublishTrack(camera.track, true);
		else if (!on && this.#wantCamera && this.#mayPublish('camera') && !local.isCameraEnabled) await local.setCameraEnabled(true);
		this.#stage.refresh();
	}

	/** The Room is let go (a new attempt, or the person left): a microphone captured ahead goes with it. */
	release(): void {
		this.#warmMic.drop();
	}
}
