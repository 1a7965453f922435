import type { Meeting } from '../sync/api-types';

/**
 * What a person should be told about their group's meetings, from the series in their link,
 * the moment and their own time zone: pure, so the wording can be tested for any zone and day.
 * "Today" is the reader's own calendar day: a meeting at 18:00 in Copenhagen is tomorrow's
 * 02:00 for a member in Tokyo, and that is what they need to hear.
 */

/** Before a session (the join screen, the lobby). */
export type Outlook =
	/** A meeting under way, or later on the reader's today. */
	| { kind: 'today'; meeting: Meeting; underWay: boolean }
	/** None today: the next one, and whether one already took place earlier today. */
	| { kind: 'next'; meeting: Meeting; earlierToday: boolean }
	/** Every meeting is over: the last one. */
	| { kind: 'over'; meeting: Meeting };

/** After a session has ended (the ended page). */
export type AfterEnd =
	| { kind: 'next'; meeting: Meeting }
	/** The session was the series' last meeting. */
	| { kind: 'last' }
	/** No meeting lies ahead (the session was none of the series'). */
	| { kind: 'none' };

/**
 * A session ending within this of a planned meeting (before its start or after its end) was
 * that meeting: groups start a little early, run over, or move a meeting by an hour or two.
 */
const SAME_MEETING_MS = 3 * 3_600_000;

const startOf = (meeting: Meeting): number => Date.parse(meeting.start);
const endOf = (meeting: Meeting): number => startOf(meeting) + meeting.minutes * 60_000;

/** The calendar day of an instant in a zone, as 'YYYY-MM-DD'. */
export function dayIn(instant: number, timeZone: string): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

/** The browser's (or Node's) own zone. */
export function readerZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function outlook(meetings: readonly Meeting[], now: number, timeZone: string = readerZone()): Outlook | null {
	const last = meetings.at(-1);
	if (!last) return null;
	const today = dayIn(now, timeZone);
	const onToday = (meeting: Meeting) => dayIn(startOf(meeting), timeZone) === today;
	const current = meetings.find((meeting) => endOf(meeting) > now && (startOf(meeting) <= now || onToday(meeting)));
	if (current) return { kind: 'today', meeting: current, underWay: startOf(current) <= now };
	const next = meetings.find((meeting) => startOf(meeting) > now);
	if (next) return { kind: 'next', meeting: next, earlierToday: meetings.some((meeting) => onToday(meeting) && endOf(meeting) <= now) };
	return { kind: 'over', meeting: last };
}

export function afterEnd(meetings: readonly Meeting[], now: number): AfterEnd {
	// The meeting this session was: the nearest one, if it lies close enough.
	const distance = (meeting: Meeting) => Math.max(0, startOf(meeting) - now, now - endOf(meeting));
	let held: number | null = null;
	for (const [index, meeting] of meetings.entries()) {
		if (distance(meeting) <= SAME_MEETING_MS && (held === null || distance(meeting) < distance(meetings[held]!))) held = index;
	}
	const next = held === null ? meetings.find((meeting) => startOf(meeting) > now) : meetings[held + 1];
	if (next) return { kind: 'next', meeting: next };
	return held === null ? { kind: 'none' } : { kind: 'last' };
}
