import { describe, expect, it } from 'vitest';
import { dateLocale, formatDate, formatDateTime, formatTime } from './dates';

/** Node has full ICU; Chromium's narrower data falls back the same way (dates.ts `known`). */
const at = Date.UTC(2027, 4, 21, 14, 5);
const iso = new Date(at).toISOString();

describe('dates in the reader’s language and region', () => {
	it('takes the region the browser gives with the language, else any region it gives, else Europe’s English', () => {
		expect(dateLocale('en', ['en-GB', 'en'])).toBe('en-GB');
		expect(dateLocale('en', ['en', 'da-DK'])).toBe('en-DK');
		expect(dateLocale('en', ['da-DK', 'en-US'])).toBe('en-US');
		expect(dateLocale('en', ['en-US'])).toBe('en-US');
		expect(dateLocale('de', ['en-GB', 'de-AT'])).toBe('de-AT');
		expect(dateLocale('sv', ['fi-FI', 'sv'])).toBe('sv-FI');
		expect(dateLocale('en', ['en'])).toBe('en-150');
		expect(dateLocale('en', [])).toBe('en-150');
		expect(dateLocale('da', [])).toBe('da');
		expect(dateLocale('en', ['not a tag', 'sv-SE'])).toBe('en-SE');
	});

	it('writes day before month and a 24-hour clock for a European reader in English, and the US way in the US', () => {
		const utc = { timeZone: 'UTC' };
		expect(formatDateTime(iso, 'en', { ...utc, preferred: ['en-GB'] })).toMatch(/^Friday,? 21 May 2027 at 14:05$/);
		expect(formatDateTime(iso, 'en', { ...utc, preferred: ['en', 'da-DK'] })).toMatch(/^Friday,? 21 May 2027 at 14[.:]05$/);
		expect(formatDateTime(iso, 'en', { ...utc, preferred: ['en-US'] })).toMatch(/^Friday, May 21, 2027 at 2:05\sPM$/);
		expect(formatDateTime(iso, 'en', { ...utc, preferred: ['en'] })).not.toMatch(/PM|May 21/);
		expect(formatDateTime(iso, 'de', { ...utc, preferred: ['de-DE'] })).toBe('Freitag, 21. Mai 2027 um 14:05');
		expect(formatDateTime(iso, 'sv', { ...utc, preferred: ['sv-SE'] })).toBe('fredag 21 maj 2027 kl. 14:05');
		expect(formatDateTime(iso, 'da', { ...utc, preferred: ['da-DK'] })).toBe('fredag den 21. maj 2027 kl. 14.05');
	});

	it('formats dates and times of day in the reader’s zone', () => {
		expect(formatDate(iso, 'en', ['en-GB'])).toBe('21 May 2027');
		expect(formatDate(iso, 'en', ['en-US'])).toBe('May 21, 2027');
		expect(formatDate(iso, 'de', ['de-CH'])).toBe('21. Mai 2027');
		const time = formatTime(at, 'en', ['en-IE']);
		expect(time).toMatch(/^\d{2}:05$/);
		expect(formatTime(at, 'en', ['en-US'])).toMatch(/^\d{1,2}:05\s[AP]M$/);
	});
});
