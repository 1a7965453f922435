import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';
import type { AfterEnd, Outlook } from '../schedule/outlook';
import type { Meeting } from '../sync/api-types';
import { dateLocale, formatDateTime } from './dates';

/**
 * The words for a group's meetings, in the reader's language, region and time zone (dates.ts
 * picks the conventions). Pure functions of their arguments, so every zone and language can be
 * tested without a browser.
 */

/** Who reads: their language, and (in tests) their zone and the browser's languages. */
export interface Reader {
	language: Locale;
	timeZone?: string;
	preferred?: readonly string[];
}

/** A sentence with at most one time in it, split around the time so a page can mark it up as <time datetime>. */
export interface TimedSentence {
	before: string;
	time: { iso: string; text: string } | null;
	after: string;
}

/** Put in a message where its time goes, then split on: an invisible separator no translation holds. */
const MARK = '\u2063';

function around(sentence: string, iso: string, text: string): TimedSentence {
	const [before = '', after = ''] = sentence.split(MARK);
	return { before, time: { iso, text }, after };
}

const plain = (sentence: string): TimedSentence => ({ before: sentence, time: null, after: '' });

const endOf = (meeting: Meeting): number => Date.parse(meeting.start) + meeting.minutes * 60_000;

function formatter(reader: Reader, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	return new Intl.DateTimeFormat(dateLocale(reader.language, reader.preferred), { ...options, timeZone: reader.timeZone });
}

/** "13:30–15:30" (or "1:30 – 3:30 PM"), in the reader's zone. */
export function timeRange(meeting: Meeting, reader: Reader): string {
	return formatter(reader, { timeStyle: 'short' }).formatRange(new Date(meeting.start), new Date(endOf(meeting)));
}

/** "Monday 29 March 2027", in the reader's zone. */
export function meetingDay(meeting: Meeting, reader: Reader): string {
	return formatter(reader, { dateStyle: 'full' }).format(new Date(meeting.start));
}

/** "Monday 29 March 2027 at 13:30", in the reader's zone. */
function when(meeting: Meeting, reader: Reader): string {
	return formatDateTime(meeting.start, reader.language, { timeZone: reader.timeZone, preferred: reader.preferred });
}

/** A zone's name in the reader's language ("Central European Time", "Mitteleuropäische Zeit"), else its id. */
export function zoneName(timeZone: string, reader: Reader): string {
	try {
		const parts = new Intl.DateTimeFormat(dateLocale(reader.language, reader.preferred), { timeZone, timeZoneName: 'longGeneric' }).formatToParts(new Date());
		return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
	} catch {
		return timeZone;
	}
}

/** The join screen and the lobby: today's meeting, the next one, or that they are over. */
export function outlookSentence(outlook: Outlook, reader: Reader): TimedSentence {
	const o = { locale: reader.language };
	const { meeting } = outlook;
	switch (outlook.kind) {
		case 'today':
			return around(m.next_meeting_today({ time: MARK }, o), meeting.start, timeRange(meeting, reader));
		case 'next': {
			const sentence = outlook.earlierToday ? m.next_meeting_after_today({ when: MARK }, o) : m.next_meeting_not_today({ when: MARK }, o);
			return around(sentence, meeting.start, when(meeting, reader));
		}
		case 'over':
			return around(m.meetings_over({ date: MARK }, o), meeting.start, meetingDay(meeting, reader));
	}
}

/** The ended page: when the next meeting is, or that this was the last. */
export function afterEndSentence(after: AfterEnd, reader: Reader): TimedSentence {
	const o = { locale: reader.language };
	switch (after.kind) {
		case 'next':
			return around(m.next_meeting_after_end({ when: MARK }, o), after.meeting.start, when(after.meeting, reader));
		case 'last':
			return plain(m.last_meeting({}, o));
		case 'none':
			return plain(m.no_meeting_ahead({}, o));
	}
}

/** One meeting of the list on the links page and the printed sheet. */
export interface MeetingLine {
	iso: string;
	day: string;
	time: string;
	/** The meeting in the zone it was planned in, when that reads differently from the reader's. */
	planned: string | null;
	minutes: number;
}

export function meetingLine(meeting: Meeting, plannedZone: string, reader: Reader): MeetingLine {
	const day = meetingDay(meeting, reader);
	const time = timeRange(meeting, reader);
	const there: Reader = { ...reader, timeZone: plannedZone };
	const plannedDay = meetingDay(meeting, there);
	const plannedTime = timeRange(meeting, there);
	const differs = plannedDay !== day || plannedTime !== time;
	const plannedText = plannedDay === day ? plannedTime : `${plannedDay}, ${plannedTime}`;
	return {
		iso: meeting.start,
		day,
		time,
		planned: differs ? m.meeting_planned_time({ time: plannedText, zone: zoneName(plannedZone, reader) }, { locale: reader.language }) : null,
		minutes: meeting.minutes
	};
}
