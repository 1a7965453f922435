/**
 * The empty-room timer: once the last person has gone, the room waits this long for someone to
 * come back before it is destroyed. The one owner of its timeout.
 */
export class GraceTimer {
	#timer: ReturnType<typeof setTimeout> | null = null;
	readonly #ms: number;
	readonly #expired: () => void;

	constructor(ms: number, expired: () => void) {
		this.#ms = ms;
		this.#expired = expired;
	}

	start(): void {
		this.cancel();
		this.#timer = setTimeout(this.#expired, this.#ms);
		this.#timer.unref?.();
	}

	cancel(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
