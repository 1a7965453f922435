import { describe, expect, it } from 'vitest';
import { QualityOffer, RECOVER_MS, SUSTAIN_MS } from './quality-offer';

describe('offering audio only on a poor connection', () => {
	it('is offered once the connection has been poor for a few seconds without a break, and not before', () => {
		const offer = new QualityOffer();
		offer.report('good', 0);
		offer.report('poor', 1000);
		expect(offer.offered(1000 + SUSTAIN_MS - 1)).toBe(false);
		// The clock is asked to look again exactly when it can turn.
		expect(offer.due(2000)).toBe(SUSTAIN_MS - 1000);
		expect(offer.offered(1000 + SUSTAIN_MS)).toBe(true);
		expect(offer.due(1000 + SUSTAIN_MS)).toBeNull();
	});

	it('a blip does not nag: poor for a moment, then good again, offers nothing', () => {
		const offer = new QualityOffer();
		offer.report('poor', 0);
		offer.report('good', SUSTAIN_MS - 500);
		expect(offer.offered(SUSTAIN_MS * 3)).toBe(false);
		expect(offer.due(SUSTAIN_MS * 3)).toBeNull();
	});

	it('lost counts as poor, a repeated poor report does not restart the count, and unknown changes nothing', () => {
		const offer = new QualityOffer();
		offer.report('poor', 0);
		offer.report('lost', 2000);
		offer.report('unknown', 3000);
		offer.report('poor', 4000);
		expect(offer.offered(SUSTAIN_MS)).toBe(true);
		expect(new QualityOffer().offered(60_000)).toBe(false);
	});

	it('the offer goes when the connection is good again', () => {
		const offer = new QualityOffer();
		offer.report('poor', 0);
		expect(offer.offered(SUSTAIN_MS)).toBe(true);
		offer.report('excellent', SUSTAIN_MS + 1);
		expect(offer.offered(SUSTAIN_MS + 2)).toBe(false);
	});

	it('dismissed, it stays away while the connection flickers, and comes back only after a long good stretch and a new poor one', () => {
		const offer = new QualityOffer();
		offer.report('poor', 0);
		offer.dismiss(SUSTAIN_MS);
		expect(offer.offered(SUSTAIN_MS)).toBe(false);
		expect(offer.due(SUSTAIN_MS)).toBeNull();
		// Good for a few seconds, then poor again for long: still dismissed.
		offer.report('good', 10_000);
		offer.report('poor', 15_000);
		expect(offer.offered(15_000 + SUSTAIN_MS * 4)).toBe(false);
		// Good for longer than RECOVER_MS lifts the dismissal; the next poor stretch offers again.
		offer.report('good', 40_000);
		expect(offer.due(40_000)).toBe(RECOVER_MS);
		expect(offer.offered(40_000 + RECOVER_MS)).toBe(false);
		offer.report('poor', 40_000 + RECOVER_MS + 1);
		expect(offer.offered(40_000 + RECOVER_MS + 1 + SUSTAIN_MS)).toBe(true);
	});

	it('dismissed while already good, the good stretch counts from the dismissal', () => {
		const offer = new QualityOffer();
		offer.report('poor', 0);
		offer.report('good', SUSTAIN_MS);
		offer.dismiss(SUSTAIN_MS + 20_000);
		offer.report('poor', SUSTAIN_MS + RECOVER_MS + 1);
		expect(offer.offered(SUSTAIN_MS * 3 + RECOVER_MS)).toBe(false);
	});
});
