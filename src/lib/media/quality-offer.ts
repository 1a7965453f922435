/**
 * When to offer audio only, from the connection quality LiveKit reports for this person
 * (`RoomEvent.ConnectionQualityChanged`: excellent, good, poor, lost, unknown). Pure, with the
 * time passed in, so that its rules are tested on their own; `QualityWatch` wires it to a clock.
 *
 * - Offered once the connection has been poor (or lost) without a break for `sustainMs`: a blip
 *   does not nag.
 * - Dismissed, it stays away until the connection has been good again for `recoverMs`: a
 *   connection that keeps flickering between good and poor is not offered every few seconds.
 * - "Unknown" (no measurement yet, or a fresh connection) changes nothing either way.
 */
export const SUSTAIN_MS = 5000;
export const RECOVER_MS = 30_000;

export class QualityOffer {
	/** Since when the connection has been poor without a break; null while it is not. */
	#poorSince: number | null = null;
	/** Since when it has been good without a break; null while it is not. */
	#goodSince: number | null = null;
	#dismissed = false;
	readonly #sustainMs: number;
	readonly #recoverMs: number;

	constructor(sustainMs = SUSTAIN_MS, recoverMs = RECOVER_MS) {
		this.#sustainMs = sustainMs;
		this.#recoverMs = recoverMs;
	}

	/** LiveKit reported this quality at `now` (epoch ms). */
	report(quality: string, now: number): void {
		if (quality === 'poor' || quality === 'lost') {
			this.#poorSince ??= now;
			this.#goodSince = null;
		} else if (quality === 'good' || quality === 'excellent') {
			this.#poorSince = null;
			this.#goodSince ??= now;
		}
	}

	/** The person said "not now". */
	dismiss(now: number): void {
		this.#dismissed = true;
		// The good stretch that lifts the dismissal starts after it.
		if (this.#goodSince !== null) this.#goodSince = now;
	}

	/** Whether the offer stands at `now`. */
	offered(now: number): boolean {
		this.#recover(now);
		return !this.#dismissed && this.#poorSince !== null && now - this.#poorSince >= this.#sustainMs;
	}

	/**
	 * In how many ms `offered` may change without another report (the caller looks again then),
	 * or null when only a report can change it.
	 */
	due(now: number): number | null {
		this.#recover(now);
		if (this.#dismissed) return this.#goodSince === null ? null : Math.max(0, this.#goodSince + this.#recoverMs - now);
		if (this.#poorSince === null) return null;
		const left = this.#poorSince + this.#sustainMs - now;
		return left > 0 ? left : null;
	}

	#recover(now: number): void {
		if (this.#dismissed && this.#goodSince !== null && now - this.#goodSince >= this.#recoverMs) this.#dismissed = false;
	}
}
