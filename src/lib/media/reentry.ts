/** Entering the media room again after a loss: when to try, and when to say it is over. */

/** Attempts to enter again, each later than the one before: 0.5 s, doubling, 10 s at most. */
export class Backoff {
	#attempts = 0;
	#timer: ReturnType<typeof setTimeout> | null = null;

	/** Runs `attempt` after the next delay, unless one is already waiting. */
	schedule(attempt: () => void): void {
		if (this.#timer) return;
		const delay = Math.min(10_000, 500 * 2 ** this.#attempts++);
		this.#timer = setTimeout(() => {
			this.#timer = null;
			attempt();
		}, delay);
	}

	/** In again: the next loss starts from the shortest delay. */
	reset(): void {
		this.#attempts = 0;
	}

	cancel(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}
}

/**
 * Connected again after a loss, while the others' media has not arrived yet: frozen tiles and
 * silence with no words would read as everyone having turned their camera off. It ends when
 * their media arrives, or after fifteen seconds at most.
 */
export class Comeback {
	#waiting = false;
	#timer: ReturnType<typeof setTimeout> | null = null;
	readonly #onEnd: () => void;

	constructor(onEnd: () => void) {
		this.#onEnd = onEnd;
	}

	get waiting(): boolean {
		return this.#waiting;
	}

	begin(): void {
		this.#waiting = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => this.end(), 15_000);
	}

	end(): void {
		this.cancel();
		this.#waiting = false;
		this.#onEnd();
	}

	cancel(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
