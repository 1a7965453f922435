import {
	AudioFrame,
	AudioSource,
	LocalAudioTrack,
	LocalVideoTrack,
	Room,
	TrackPublishOptions,
	TrackSource,
	VideoBufferType,
	VideoFrame,
	VideoSource
} from '@livekit/rtc-node';
import { mediaEncryption } from './rtc-subscriber';

/**
 * A synthetic camera and microphone through `@livekit/rtc-node`: a moving test picture and a
 * 440 Hz tone, encoded by libwebrtc and, with the group's key, encrypted as the app's browsers
 * encrypt. For benches that need more publishers than this machine's two cores can run as
 * Chromium pages with fake cameras.
 */
export interface RtcPublisher {
	identity: string;
	room: Room;
	/** Pictures handed to the encoder so far (fewer than the frame rate asks when the event loop is starved). */
	readonly frames: number;
	stop(): Promise<void>;
}

export interface PublisherOptions {
	mediaKey?: string;
	width?: number;
	height?: number;
	fps?: number;
	audio?: boolean;
	/**
	 * Runs once in the room, before anything is published: through the app a token carries no
	 * right to publish, so the caller tells the app it is in (`media-joined`) and waits for the grant.
	 */
	beforePublish?: (room: Room) => Promise<void>;
}

const SAMPLE_RATE = 48_000;
const AUDIO_FRAME_MS = 10;

export async function rtcPublisher(url: string, token: string, options: PublisherOptions = {}): Promise<RtcPublisher> {
	const { width = 320, height = 240, fps = 15, audio = true } = options;
	const room = new Room();
	await room.connect(url, token, { autoSubscribe: false, dynacast: true, ...(options.mediaKey ? { encryption: mediaEncryption(options.mediaKey) } : {}) });
	if (options.mediaKey) room.e2eeManager?.setEnabled(true);
	await options.beforePublish?.(room);
	const participant = room.localParticipant!;

	const video = new VideoSource(width, height);
	await participant.publishTrack(
		LocalVideoTrack.createVideoTrack('camera', video),
		new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: false })
	);
	// A bar that moves across a grey picture: every frame differs, as a face on a camera does.
	const rgba = new Uint8Array(width * height * 4);
	let tick = 0;
	const timers: ReturnType<typeof setInterval>[] = [];
	timers.push(
		setInterval(() => {
			rgba.fill(96);
			const bar = (tick * 4) % width;
			for (let y = 0; y < height; y++) rgba.fill(255, (y * width + bar) * 4, (y * width + Math.min(width, bar + 16)) * 4);
			video.captureFrame(new VideoFrame(rgba, width, height, VideoBufferType.RGBA), BigInt(Math.round(performance.now() * 1000)));
			tick++;
		}, 1000 / fps)
	);

	let tone: AudioSource | null = null;
	if (audio) {
		tone = new AudioSource(SAMPLE_RATE, 1);
		await participant.publishTrack(LocalAudioTrack.createAudioTrack('microphone', tone), new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
		const samplesPerFrame = (SAMPLE_RATE * AUDIO_FRAME_MS) / 1000;
		const source = tone;
		const startedAt = performance.now();
		let sent = 0;
		timers.push(
			setInterval(() => {
				// As many 10 ms frames as real time asks for (a busy event loop ticks late), at most
				// 200 ms' worth at once: the tone stays continuous rather than full of gaps.
				const due = Math.floor(((performance.now() - startedAt) * SAMPLE_RATE) / 1000);
				if (due - sent > SAMPLE_RATE / 5) sent = due - SAMPLE_RATE / 5;
				for (; sent + samplesPerFrame <= due; sent += samplesPerFrame) {
					const samples = new Int16Array(samplesPerFrame);
					for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (sent + i)) / SAMPLE_RATE));
					void source.captureFrame(new AudioFrame(samples, SAMPLE_RATE, 1, samplesPerFrame)).catch(() => undefined);
				}
			}, AUDIO_FRAME_MS)
		);
	}

	return {
		identity: participant.identity,
		room,
		get frames() {
			return tick;
		},
		async stop() {
			timers.forEach(clearInterval);
			await room.disconnect();
			await video.close();
			await tone?.close();
		}
	};
}
