import type { LocalAudioTrack } from 'livekit-client';

/**
 * At the presenter's return, their microphone captured while the media server's permission
 * is on its way: on a busy laptop the capture alone takes a second. Without the permission
 * within 10 s after all, the device is let go (its light goes off).
 */
export class WarmMic {
	#track: Promise<LocalAudioTrack | null> | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;

	warmUp(capture: () => Promise<LocalAudioTrack>): void {
		if (this.#track) return;
		this.#track = capture().catch(() => null);
		this.#timer = setTimeout(() => this.drop(), 10_000);
	}

	/** The captured track for whoever publishes it now; null when none is warming. */
	take(): Promise<LocalAudioTrack | null> | null {
		const track = this.#track;
		this.#track = null;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		return track;
	}

	drop(): void {
		void this.take()?.then((track) => track?.stop());
	}
}
