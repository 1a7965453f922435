import type { MediaGrant } from '../media/media-types';

/**
 * Requests for a LiveKit token on the room's socket, waiting for the server's answer. The answer
 * names no request, so it settles every one waiting; so does a refusal, or the socket's loss.
 */
export class MediaTokens {
	#waiting: { resolve: (grant: MediaGrant) => void; reject: (error: Error) => void }[] = [];

	/** Waits for the next answer; the caller sends the request. */
	next(): Promise<MediaGrant> {
		return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
	}

	settle(result: MediaGrant | Error): void {
		const waiting = this.#waiting;
		this.#waiting = [];
		for (const w of waiting) {
			if (result instanceof Error) w.reject(result);
			else w.resolve(result);
		}
	}
}
