import { describe, expect, it } from 'vitest';
import { newMediaKey } from '../media/media-key';
import type { SeriesPlan } from '../schedule/series';
import { linkFragment } from '../sync/link-fragment';
import { decodeLinkFacts, encodeLinkFacts } from './compact-link';
import { randomId, Signer } from './links';

/** A meeting series in a compact link (`e`, extension bit 1): round trips, tampering, and size. */

const signer = new Signer(Buffer.from('series-links-test-key-0123456789abcdef'));
const future = Math.floor(Date.now() / 1000) + 3600;
const facts = { g: randomId(), n: 'Balintgruppe, Psykiatrien Roskilde', r: 'member' as const, m: 120, x: future };
const hospital: SeriesPlan = {
	timeZone: 'Europe/Copenhagen',
	start: '13:30',
	dates: ['2027-02-08', '2027-03-11', '2027-04-12', '2027-05-13', '2027-06-14', '2027-08-19', '2027-09-13', '2027-10-14', '2027-11-08', '2027-12-09']
};
const network: SeriesPlan = { timeZone: 'Europe/Stockholm', start: '17:00', rule: { everyWeeks: 2, weekday: 3, from: '2027-01-13', until: '2027-06-16' } };

describe('a meeting series in a compact link', () => {
	it('round-trips dates and a rule with every other fact, and signs the same facts to the same token', () => {
		for (const e of [
			hospital,
			network,
			{ ...network, timeZone: 'UTC', start: '00:00' },
			{ timeZone: 'America/Argentina/Buenos_Aires', start: '23:59', dates: ['2028-02-29'] }
		]) {
			for (const f of [
				{ ...facts, e },
				{ ...facts, e, d: true as const, c: randomId(), s: 12, v: 4 }
			]) {
				const token = signer.signLink(f);
				expect(signer.verifyLink(token), JSON.stringify(e)).toEqual({ ok: true, facts: { k: 'link', ...f } });
				expect(signer.signLink(f)).toBe(token);
			}
		}
	});

	it('sits behind extension bit 1, beside the demonstration bit', () => {
		expect(encodeLinkFacts({ ...facts, e: hospital })[2]).toBe(0b10);
		expect(encodeLinkFacts({ ...facts, e: hospital, d: true })[2]).toBe(0b11);
		// The series' bytes: count, zone, start, ten days (the first two bytes, the gaps one each).
		const plain = encodeLinkFacts(facts).length;
		expect(encodeLinkFacts({ ...facts, e: hospital }).length - plain).toBe(1 + 1 + 1 + 17 + 2 + 2 + 9);
		expect(encodeLinkFacts({ ...facts, e: network }).length - plain).toBe(1 + 1 + 1 + 16 + 2 + 1 + 1 + 2 + 2);
	});

	it('keeps a member link of the hospital group, ten dates and its media key, at about 200 characters', () => {
		const memberLink = (n: string) => `https://balint.example.org/room#${linkFragment(signer.signLink({ ...facts, n, e: hospital }), newMediaKey())}`;
		// A name as long as the usual one of links.test.ts (27 characters): under 200.
		expect(memberLink('Balintgruppe, Psykiatri Syd').length).toBeLessThan(200);
		// Each further character of the name adds 4/3 of one; the series itself adds 43.
		expect(memberLink(facts.n).length).toBeLessThanOrEqual(205);
		expect(
			memberLink(facts.n).length - `https://balint.example.org/room#${linkFragment(signer.signLink({ ...facts }), newMediaKey())}`.length
		).toBeLessThanOrEqual(44);
	});

	it('refuses to write a series no link can hold', () => {
		expect(() => encodeLinkFacts({ ...facts, e: { ...hospital, dates: ['2027-03-11', '2027-02-08'] } })).toThrow(RangeError);
		expect(() => encodeLinkFacts({ ...facts, e: { ...hospital, dates: ['2027-02-30'] } })).toThrow(RangeError);
		expect(() => encodeLinkFacts({ ...facts, e: { ...hospital, start: '1:30' } })).toThrow(RangeError);
		expect(() => encodeLinkFacts({ ...network, ...facts, e: { ...network, rule: { ...network.rule!, until: '2026-01-01' } } })).toThrow(RangeError);
	});

	it('refuses any altered byte as forged or damaged, and a signed series no group may have as damaged', () => {
		const token = signer.signLink({ ...facts, e: hospital });
		const bytes = Buffer.from(token, 'base64url');
		for (let i = 0; i < bytes.length; i++) {
			for (const bit of [0x01, 0x04, 0x80]) {
				const altered = Buffer.from(bytes);
				altered[i]! ^= bit;
				const reads = decodeLinkFacts(altered.subarray(0, -16)) !== null;
				expect(signer.verifyLink(altered.toString('base64url')), `byte ${i}`).toEqual({ ok: false, problem: reads ? 'forged' : 'malformed' });
			}
		}
		// Signed correctly, but not a series: a repeated date (a gap of 0), an unknown zone, a rule of nine weeks.
		const repeated = { ...hospital, dates: ['2027-02-08', '2027-02-08'] };
		for (const e of [repeated, { ...hospital, timeZone: 'Mars/Olympus_Mons' }, { ...network, rule: { ...network.rule!, everyWeeks: 9 } }]) {
			expect(signer.verifyLink(signer.signLink({ ...facts, e })), JSON.stringify(e)).toEqual({ ok: false, problem: 'malformed' });
		}
	});

	it('reads boundedly: too many dates, a day beyond the last year, bytes left over or missing are no link', () => {
		const body = encodeLinkFacts({ ...facts, e: { timeZone: 'UTC', start: '09:00', dates: ['2027-01-04'] } });
		const seriesAt = body.length - (1 + 1 + 3 + 2 + 2);
		expect(body[seriesAt]).toBe(1);
		const tooMany = Buffer.from(body);
		tooMany[seriesAt] = 61;
		expect(decodeLinkFacts(tooMany)).toBeNull();
		// The first day written as 2^35 days: no date.
		const farDay = Buffer.concat([body.subarray(0, -2), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01])]);
		expect(decodeLinkFacts(farDay)).toBeNull();
		expect(decodeLinkFacts(Buffer.concat([body, Buffer.from([1])]))).toBeNull();
		expect(decodeLinkFacts(body.subarray(0, -1))).toBeNull();
		// The series bit set, its bytes missing.
		const plain = encodeLinkFacts({ ...facts, d: true });
		plain[2] = 0b11;
		expect(decodeLinkFacts(plain)).toBeNull();
	});
});
