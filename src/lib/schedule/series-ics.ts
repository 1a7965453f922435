import { createEvents, type EventAttributes } from 'ics';
import type { MeetingSeries } from '../sync/api-types';

/** The words in the calendar file, in the language of whoever downloads it. */
export interface SeriesIcsTexts {
	title: string;
	description: string;
}

/**
 * A group's whole meeting series as one calendar file, made in the browser (nothing is sent).
 *
 * One recurring event: a single UID, the first meeting as DTSTART and every start as an RDATE, so a calendar shows one series that it can update as a whole when the file is imported
 * again, not a pile of unrelated events. Not an RRULE: the meetings may be a list of dates, and a
 * weekly rule in UTC would drift by an hour at each daylight-saving change (a rule needs TZID and
 * a VTIMEZONE, which `ics` cannot write). Every time is an absolute UTC instant, so each calendar
 * shows each meeting at the right hour in its own zone. A meeting whose length differs from the
 * first one's is an override of its instance (same UID, RECURRENCE-ID, its own DURATION).
 * The RDATE repeats DTSTART (RFC 5545 counts a start given twice once): ical.js, and with it
 * Thunderbird, starts an RDATE-only set at the first RDATE and would drop the first meeting.
 * `ics` writes no RDATE, so that one line is added to its output here.
 *
 * No link, token or key in it: calendars sync to outside services and are shared with
 * assistants, and one file serves every role. CONFIDENTIAL, so shared calendars hide the details.
 */
/** `ics` reads these two (its schema has them) but its types leave them out. */
type SeriesEvent = EventAttributes & { timestamp?: number; recurrenceId?: number };

export function seriesIcs(groupId: string, series: MeetingSeries, texts: SeriesIcsTexts, now: number = Date.now()): string {
	const [first, ...rest] = series.meetings;
	if (!first) throw new Error('a series has at least one meeting');
	const uid = `${groupId}-series@balint-room`;
	const common = {
		uid,
		title: texts.title,
		description: texts.description,
		startInputType: 'utc',
		startOutputType: 'utc',
		classification: 'CONFIDENTIAL',
		productId: 'balint-room',
		timestamp: now,
		// Bumped by nothing yet: the series in a link never changes. A calendar that re-imports the
		// file sees the same UID and SEQUENCE and keeps one copy.
		sequence: 0
	} as const;
	const master: SeriesEvent = { ...common, start: Date.parse(first.start), duration: { minutes: first.minutes } };
	const overrides: SeriesEvent[] = rest
		.filter((meeting) => meeting.minutes !== first.minutes)
		.map((meeting) => ({ ...common, start: Date.parse(meeting.start), duration: { minutes: meeting.minutes }, recurrenceId: Date.parse(meeting.start) }));
	const { error, value } = createEvents([master, ...overrides]);
	if (error || !value) throw error ?? new Error('calendar file could not be made');
	if (rest.length === 0) return value;
	const rdate = foldLine(`RDATE:${series.meetings.map((meeting) => icsUtc(meeting.start)).join(',')}`);
	// The master is the first VEVENT: the RDATE goes right after its DTSTART.
	return value.replace(/(BEGIN:VEVENT\r\n(?:.*\r\n)*?DTSTART[^\r]*\r\n)/, `$1${rdate}\r\n`);
}

/** "20270310T123000Z" from an ISO instant. */
function icsUtc(iso: string): string {
	return new Date(Date.parse(iso))
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
}

/** RFC 5545 §3.1: lines of at most 75 octets, continued after CRLF and one space (the text is ASCII). */
function foldLine(line: string): string {
	const parts: string[] = [line.slice(0, 75)];
	for (let i = 75; i < line.length; i += 74) parts.push(' ' + line.slice(i, i + 74));
	return parts.join('\r\n');
}
