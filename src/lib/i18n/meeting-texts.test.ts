import { describe, expect, it } from 'vitest';
import type { Meeting } from '../sync/api-types';
import { wallTimeToIso } from '../schedule/wall-time';
import { afterEndSentence, meetingLine, outlookSentence, type Reader, type TimedSentence } from './meeting-texts';

const CPH = 'Europe/Copenhagen';
const meeting = (local: string, minutes = 90): Meeting => ({ start: wallTimeToIso(local, CPH), minutes });
const monday = meeting('2027-03-29T13:30');
const text = (s: TimedSentence) => s.before + (s.time?.text ?? '') + s.after;

const newYorkInEnglish: Reader = { language: 'en', timeZone: 'America/New_York', preferred: ['en-GB'] };
const tokyoInGerman: Reader = { language: 'de', timeZone: 'Asia/Tokyo', preferred: ['de-DE'] };

describe('the next-meeting sentences', () => {
	it("say when the next meeting is in the reader's zone and language, the time marked up apart", () => {
		const s = outlookSentence({ kind: 'next', meeting: monday, earlierToday: false }, newYorkInEnglish);
		expect(text(s)).toBe('No meeting today; the next is Monday, 29 March 2027 at 07:30, your time.');
		expect(s.time).toEqual({ iso: monday.start, text: 'Monday, 29 March 2027 at 07:30' });
		expect(s.before).toBe('No meeting today; the next is ');
		expect(text(outlookSentence({ kind: 'next', meeting: monday, earlierToday: false }, tokyoInGerman))).toBe(
			'Heute kein Treffen; das nächste ist am Montag, 29. März 2027 um 20:30, Ihre Ortszeit.'
		);
	});

	it("give today's meeting as a time span, and say when today's is already over", () => {
		expect(text(outlookSentence({ kind: 'today', meeting: monday, underWay: false }, { language: 'en', timeZone: CPH, preferred: ['en-DK'] }))).toMatch(
			/^Today's meeting: 13[.:]30\s?–\s?15[.:]00, your time\.$/
		);
		expect(text(outlookSentence({ kind: 'next', meeting: monday, earlierToday: true }, { language: 'sv', timeZone: CPH, preferred: ['sv-SE'] }))).toBe(
			'Dagens träff är över; nästa är måndag 29 mars 2027 kl. 13:30, din tid.'
		);
		expect(text(outlookSentence({ kind: 'over', meeting: monday }, { language: 'da', timeZone: CPH, preferred: ['da-DK'] }))).toBe(
			'Gruppens møder er slut; det sidste var mandag den 29. marts 2027.'
		);
	});

	it('on the ended page: the next meeting, or that this was the last', () => {
		expect(text(afterEndSentence({ kind: 'next', meeting: monday }, newYorkInEnglish))).toBe('The next meeting is Monday, 29 March 2027 at 07:30, your time.');
		expect(afterEndSentence({ kind: 'last' }, newYorkInEnglish)).toEqual({ before: "This was the group's last meeting.", time: null, after: '' });
		expect(text(afterEndSentence({ kind: 'last' }, tokyoInGerman))).toBe('Dies war das letzte Treffen der Gruppe.');
		expect(text(afterEndSentence({ kind: 'none' }, tokyoInGerman))).toBe('Für diese Gruppe ist kein weiteres Treffen geplant.');
	});
});

describe('a line of the meetings list', () => {
	it("shows the reader's time, and the planned zone's only where it reads differently", () => {
		expect(meetingLine(monday, CPH, newYorkInEnglish)).toEqual({
			iso: monday.start,
			day: 'Monday, 29 March 2027',
			time: '07:30–09:00',
			planned: 'planned: 13:30–15:00 Central European Time',
			minutes: 90
		});
		expect(meetingLine(monday, CPH, { language: 'en', timeZone: CPH, preferred: ['en-GB'] }).planned).toBeNull();
		// Stockholm's clock reads the same as Copenhagen's: nothing to add.
		expect(meetingLine(monday, CPH, { language: 'sv', timeZone: 'Europe/Stockholm', preferred: ['sv-SE'] }).planned).toBeNull();
	});

	it('names the planned day too when the meeting falls on another day for the reader', () => {
		const evening = meeting('2027-03-29T18:00');
		const line = meetingLine(evening, CPH, tokyoInGerman);
		expect(line.day).toBe('Dienstag, 30. März 2027');
		expect(line.planned).toBe('geplant: Montag, 29. März 2027, 18:00–19:30 Uhr Mitteleuropäische Zeit');
	});
});
