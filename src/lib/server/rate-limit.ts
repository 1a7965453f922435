import type { Awaitable } from './awaitable';

/**
 * A limit on how often one key (a client address, a group) may do something. One process
 * counts in memory (`MemoryRateLimiter`); several that must hold a key to one limit together
 * need counters they share.
 */
export interface RateLimiter {
	/** Counts one request for `key`: true when it may go ahead. */
	take(key: string): Awaitable<boolean>;
}

/**
 * A fixed-window counter per key, in this process's memory. Enough to stop a script from
 * hammering link exchange or group creation; bounded in memory by sweeping old windows.
 */
export class MemoryRateLimiter implements RateLimiter {
	readonly #windows = new Map<string, { start: number; count: number }>();
	readonly #limit: number;
	readonly #windowMs: number;
	readonly #now: () => number;

	constructor(limit: number, windowMs = 60_000, now: () => number = Date.now) {
		this.#limit = limit;
		this.#windowMs = windowMs;
		this.#now = now;
	}

	/** True when the request may go ahead. */
	take(key: string): boolean {
		const now = this.#now();
		if (this.#windows.size > 50_000) this.#sweep(now);
		const window = this.#windows.get(key);
		if (!window || now - window.start >= this.#windowMs) {
			this.#windows.set(key, { start: now, count: 1 });
			return true;
		}
		window.count += 1;
		return window.count <= this.#limit;
	}

	#sweep(now: number): void {
		for (const [key, w] of this.#windows) if (now - w.start >= this.#windowMs) this.#windows.delete(key);
	}
}
