import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { wallTimeToIso } from '../conference/handout';
import type { MeetingSeries } from '../sync/api-types';
import { seriesIcs } from './series-ics';

/**
 * A hospital group in Copenhagen on Mondays at 13.30, across the change to summer time
 * (28 March 2027 in Europe; New York changed on 14 March, Tokyo never does), the last meeting
 * longer: the file parsed back by another calendar library, read from three zones.
 */
const ZONE = 'Europe/Copenhagen';
const series: MeetingSeries = {
	timeZone: ZONE,
	meetings: [
		{ start: wallTimeToIso('2027-03-15T13:30', ZONE), minutes: 90 },
		{ start: wallTimeToIso('2027-03-29T13:30', ZONE), minutes: 90 },
		{ start: wallTimeToIso('2027-04-12T13:30', ZONE), minutes: 120 }
	]
};
const texts = { title: 'Psychiatry Balint group', description: 'Join with the personal link you were sent.' };
const text = seriesIcs('group-00001', series, texts, Date.parse('2027-01-01T00:00:00Z'));

interface Occurrence {
	start: Date;
	end: Date;
}

/** Every occurrence the way a calendar expands it: the master's dates plus its overrides. */
function occurrences(ics: string): { uids: string[]; list: Occurrence[]; master: ICAL.Event } {
	const calendar = new ICAL.Component(ICAL.parse(ics));
	const vevents = calendar.getAllSubcomponents('vevent');
	const master = new ICAL.Event(vevents.find((c) => !c.hasProperty('recurrence-id')));
	for (const c of vevents) if (c.hasProperty('recurrence-id')) master.relateException(c);
	const list: Occurrence[] = [];
	const it = master.iterator();
	for (let next = it.next(); next; next = it.next()) {
		const details = master.getOccurrenceDetails(next);
		list.push({ start: details.startDate.toJSDate(), end: details.endDate.toJSDate() });
	}
	return { uids: vevents.map((c) => String(c.getFirstPropertyValue('uid'))), list, master };
}

/** "Mon 15 Mar, 13:30" in a zone, the way a reader there sees it. */
function wall(date: Date, timeZone: string): string {
	return new Intl.DateTimeFormat('en-GB', {
		timeZone,
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(date);
}

describe('the series calendar file', () => {
	it('is one recurring event: one UID, every meeting an instance at its UTC instant and length', () => {
		const { uids, list, master } = occurrences(text);
		expect(master.isRecurring()).toBe(true);
		expect(new Set(uids)).toEqual(new Set(['group-00001-series@balint-room']));
		expect(list.map((o) => o.start.toISOString())).toEqual(series.meetings.map((m) => m.start));
		expect(list.map((o) => (o.end.getTime() - o.start.getTime()) / 60_000)).toEqual([90, 90, 120]);
		expect(master.summary).toBe(texts.title);
		expect(master.description).toBe(texts.description);
		expect(master.component.getFirstPropertyValue('class')).toBe('CONFIDENTIAL');
		expect(text).toContain('SEQUENCE:0');
	});

	it('keeps 13.30 in Copenhagen across the change to summer time, and shows each reader their own hour', () => {
		const starts = occurrences(text).list.map((o) => o.start);
		expect(starts.map((d) => wall(d, ZONE))).toEqual(['Mon 15 Mar, 13:30', 'Mon 29 Mar, 13:30', 'Mon 12 Apr, 13:30']);
		// New York is already on summer time for the first meeting: 5 hours behind, then 6.
		expect(starts.map((d) => wall(d, 'America/New_York'))).toEqual(['Mon 15 Mar, 08:30', 'Mon 29 Mar, 07:30', 'Mon 12 Apr, 07:30']);
		// Tokyo has no summer time: 8 hours ahead, then 7.
		expect(starts.map((d) => wall(d, 'Asia/Tokyo'))).toEqual(['Mon 15 Mar, 21:30', 'Mon 29 Mar, 20:30', 'Mon 12 Apr, 20:30']);
		// Every time in the file is UTC (no floating or zoned times a calendar could misread).
		for (const line of text.split('\r\n').filter((l) => /^(DTSTART|RDATE|RECURRENCE-ID)/.test(l))) expect(line).toMatch(/:\d{8}T\d{6}Z(,|$)/);
	});

	it('holds no link, token or key, and its lines are folded as RFC 5545 asks', () => {
		expect(text).not.toMatch(/https?:|#t=|&k=|\/room/);
		expect(text).not.toMatch(/URL[:;]/);
		for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(75);
	});

	it('a long series folds its RDATE line and still parses every meeting', () => {
		const many: MeetingSeries = {
			timeZone: ZONE,
			meetings: Array.from({ length: 20 }, (_, i) => ({
				start: wallTimeToIso(`2027-${String(1 + Math.floor(i / 2)).padStart(2, '0')}-${i % 2 ? 20 : '06'}T09:00`, ZONE),
				minutes: 90
			}))
		};
		const ics = seriesIcs('g', many, texts);
		expect(ics).toMatch(/\r\n /);
		expect(occurrences(ics).list.map((o) => o.start.toISOString())).toEqual(many.meetings.map((m) => m.start));
	});

	it('a series of one meeting is a single event', () => {
		const one = seriesIcs('g', { timeZone: ZONE, meetings: [series.meetings[0]!] }, texts);
		expect(one).not.toContain('RDATE');
		expect(occurrences(one).list).toHaveLength(1);
	});
});
