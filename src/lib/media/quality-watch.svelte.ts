import { QualityOffer } from './quality-offer';

/**
 * The audio-only offer on a clock: fed with LiveKit's reports of this person's own connection
 * quality (`MediaRoom`), it says when to offer audio only (`QualityOffer` holds the rules) and
 * looks again by itself when the offer may be due.
 */
export class QualityWatch {
	#offered = $state(false);
	readonly #offer = new QualityOffer();
	#timer: ReturnType<typeof setTimeout> | null = null;
	readonly #now: () => number;

	constructor(now: () => number = Date.now) {
		this.#now = now;
	}

	/** A calm suggestion stands: the connection has been poor for a while and it was not dismissed. */
	get offered(): boolean {
		return this.#offered;
	}

	report(quality: string): void {
		this.#offer.report(quality, this.#now());
		this.#update();
	}

	dismiss(): void {
		this.#offer.dismiss(this.#now());
		this.#update();
	}

	stop(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	#update(): void {
		this.stop();
		const now = this.#now();
		this.#offered = this.#offer.offered(now);
		const due = this.#offer.due(now);
		if (due !== null) this.#timer = setTimeout(() => this.#update(), due + 1);
	}
}
