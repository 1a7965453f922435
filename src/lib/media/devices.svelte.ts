import type { MediaChoices } from './media-types';

export type DeviceProblem = 'denied' | 'none';

/** The speakers this browser can play through (the choice only appears with more than one). */
export async function listSpeakers(): Promise<MediaDeviceInfo[]> {
	return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput');
}

/**
 * The device check before the video room: which camera and microphone, on or off, a preview of
 * the picture and the microphone's level, and what went wrong with the devices. Nothing is
 * captured outside `preview`, which the pre-join screen runs while it is shown.
 */
export class DeviceCheck {
	#cameraOn = $state(true);
	#micOn = $state(true);
	#videoInput = $state('');
	#audioInput = $state('');
	#cameras = $state.raw<MediaDeviceInfo[]>([]);
	#microphones = $state.raw<MediaDeviceInfo[]>([]);
	// The devices the preview really uses, shown in the pickers until the person picks one
	// (the browser's default has no id of its own, so an empty choice showed a blank picker).
	// Written by the preview but never read by it, so showing them restarts nothing.
	#usedVideo = $state('');
	#usedAudio = $state('');
	#problem = $state<DeviceProblem | null>(null);
	#level = $state(0);
	#attempt = $state(0);

	get cameras(): MediaDeviceInfo[] {
		return this.#cameras;
	}
	get microphones(): MediaDeviceInfo[] {
		return this.#microphones;
	}
	get problem(): DeviceProblem | null {
		return this.#problem;
	}
	/** The microphone's level, 0 to 100. */
	get level(): number {
		return this.#level;
	}
	/** Whether the camera is on as far as entering goes: while the devices cannot be used, both are off. */
	get cameraShown(): boolean {
		return this.#cameraOn && this.#problem === null;
	}
	get micShown(): boolean {
		return this.#micOn && this.#problem === null;
	}
	/** The camera the picker shows: the person's choice, else the one the preview uses. */
	get camera(): string {
		return this.#videoInput || this.#usedVideo;
	}
	get microphone(): string {
		return this.#audioInput || this.#usedAudio;
	}

	toggleCamera(): void {
		this.#cameraOn = !this.#cameraOn;
	}
	toggleMic(): void {
		this.#micOn = !this.#micOn;
	}
	chooseCamera(id: string): void {
		this.#videoInput = id;
	}
	chooseMicrophone(id: string): void {
		this.#audioInput = id;
	}
	/** "Try again" after a problem, with the person's own choices kept. */
	retry(): void {
		this.#attempt++;
	}

	/** What entering takes along; an observer publishes nothing. */
	choices(canPublish: boolean): MediaChoices {
		return {
			cameraOn: canPublish && this.cameraShown,
			micOn: canPublish && this.micShown,
			videoInput: this.#videoInput || undefined,
			audioInput: this.#audioInput || undefined
		};
	}

	/**
	 * Runs the preview for the current choices, inside an effect (which reruns it when they
	 * change): it owns its stream, audio context and animation frame, and the returned cleanup
	 * stops them all. The video element is read only once the stream is there.
	 */
	preview(video: () => HTMLVideoElement | undefined): () => void {
		void this.#attempt;
		const wantVideo = this.#cameraOn;
		const wantAudio = this.#micOn;
		// A choice is read (and so followed) only for a device that is on.
		const constraints: MediaStreamConstraints = {
			video: wantVideo ? (this.#videoInput ? { deviceId: { exact: this.#videoInput } } : true) : false,
			audio: wantAudio ? (this.#audioInput ? { deviceId: { exact: this.#audioInput } } : true) : false
		};
		let stream: MediaStream | null = null;
		let audioContext: AudioContext | null = null;
		let frame = 0;
		let stopped = false;
		(async () => {
			if (!wantVideo && !wantAudio) return;
			try {
				stream = await navigator.mediaDevices.getUserMedia(constraints);
				if (stopped) return stream.getTracks().forEach((t) => t.stop());
				this.#problem = null;
				this.#usedVideo = stream.getVideoTracks()[0]?.getSettings().deviceId ?? this.#usedVideo;
				this.#usedAudio = stream.getAudioTracks()[0]?.getSettings().deviceId ?? this.#usedAudio;
				const devices = await navigator.mediaDevices.enumerateDevices();
				// Stopped meanwhile: the stream is already closed, and no meter may start for it.
				if (stopped) return;
				this.#cameras = devices.filter((d) => d.kind === 'videoinput');
				this.#microphones = devices.filter((d) => d.kind === 'audioinput');
				const element = video();
				if (element) element.srcObject = wantVideo ? stream : null;
				if (wantAudio && stream.getAudioTracks().length) {
					audioContext = new AudioContext();
					const analyser = audioContext.createAnalyser();
					analyser.fftSize = 256;
					audioContext.createMediaStreamSource(stream).connect(analyser);
					const data = new Uint8Array(analyser.frequencyBinCount);
					const tick = () => {
						analyser.getByteTimeDomainData(data);
						let peak = 0;
						for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
						this.#level = Math.min(100, Math.round((peak / 128) * 100));
						frame = requestAnimationFrame(tick);
					};
					tick();
				}
			} catch (error) {
				const name = (error as DOMException)?.name;
				if (name === 'NotAllowedError' || name === 'SecurityError') {
					this.#problem = 'denied';
					return;
				}
				// Asked for both while one kind is missing (a desktop with a headset and no webcam),
				// the browser refuses the whole request. Turn off what is not there, so the device
				// that is there works, instead of "nothing found" and entering with both off.
				if (wantVideo && wantAudio) {
					const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
					const hasCamera = devices.some((d) => d.kind === 'videoinput');
					const hasMic = devices.some((d) => d.kind === 'audioinput');
					if (stopped) return;
					if (hasCamera !== hasMic) {
						if (hasCamera) this.#micOn = false;
						else this.#cameraOn = false;
						return;
					}
				}
				if (!stopped) this.#problem = 'none';
			}
		})();
		return () => {
			stopped = true;
			cancelAnimationFrame(frame);
			stream?.getTracks().forEach((t) => t.stop());
			void audioContext?.close();
			this.#level = 0;
		};
	}
}
