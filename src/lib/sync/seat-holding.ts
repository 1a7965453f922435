import type { HeldSeat, SeatKeeper } from './tab-seat';

/**
 * A client's seat (the server's signed token for this person) and what the tab keeps of it for
 * a reload (`tab-seat.ts`): written to the keeper only when it changes, dropped with the rest.
 */
export class SeatHolding {
	/** The seat the server signed at the last ticket exchange, if any. */
	seat: string | undefined;
	readonly #keeper: SeatKeeper | null;
	/** What the keeper holds now, so that it is written only when it changes. */
	#held = '';

	constructor(keeper: SeatKeeper | null) {
		this.#keeper = keeper;
	}

	/** Lets the keeper hold what a reload needs (only once there is a seat). */
	hold(facts: Omit<HeldSeat, 'seat'>): void {
		if (!this.#keeper || !this.seat) return;
		const held: HeldSeat = { ...facts, seat: this.seat };
		const text = JSON.stringify(held);
		if (text === this.#held) return;
		this.#held = text;
		this.#keeper.hold(held);
	}

	drop(): void {
		this.seat = undefined;
		this.#held = '';
		this.#keeper?.drop();
	}
}
