import { MAX_PLANNED_MINUTES, MIN_PLANNED_MINUTES } from '../session/state';
import type { Meeting } from '../sync/api-types';
import { wallTimeToIso } from './wall-time';

/**
 * A group's meeting series: explicit dates, or a rule (every N weeks on a weekday, from a date
 * to a date), at one local start time in one time zone, each meeting the same length. Pure and
 * without I/O, so the create form (browser) and the link facts (server) agree on every meeting.
 *
 * Meetings are planned in wall time: 13:30 in Europe/Copenhagen stays 13:30 there across the
 * daylight-saving changes, so the UTC instant moves by an hour in March and October.
 */

/** Every `everyWeeks` weeks on `weekday` (1 = Monday … 7 = Sunday), from the first such day on or after `from`, up to `until`. */
export interface SeriesRule {
	everyWeeks: number;
	weekday: number;
	/** 'YYYY-MM-DD' */
	from: string;
	/** 'YYYY-MM-DD', the last day a meeting may fall on. */
	until: string;
}

/** When a series meets, without its length (a link's `m` fact carries that): dates or a rule. */
export type SeriesPlan = { timeZone: string; start: string } & ({ dates: string[]; rule?: undefined } | { rule: SeriesRule; dates?: undefined });

/** A series with the length of each meeting in minutes. */
export type SeriesSpec = SeriesPlan & { minutes: number };

/** Bounds that keep a series (and the link that carries it) small. */
export const MAX_MEETINGS = 60;
/** From the first meeting to the last: two years, a leap day included. */
export const MAX_SERIES_DAYS = 731;
export const MAX_EVERY_WEEKS = 8;
const MAX_ZONE_LENGTH = 64;
/** Years a series may fall in: day numbers count from 2000-01-01, and years below 100 would mean 19xx to Date.UTC. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2199;
const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(FIRST_YEAR, 0, 1);
export const MAX_DAY_NUMBER = (Date.UTC(LAST_YEAR, 11, 31) - EPOCH) / DAY_MS;

/** Stable codes for what is wrong with a series (the server's English and the form's words are keyed on them). */
export type SeriesProblem =
	| 'unknown-zone'
	| 'bad-start'
	| 'bad-minutes'
	| 'bad-date'
	| 'no-such-date'
	| 'repeated-date'
	| 'bad-rule'
	| 'until-before-from'
	| 'no-meetings'
	| 'too-many-meetings'
	| 'too-long';

export type CheckedSeries = { ok: true; spec: SeriesSpec; meetings: Meeting[] } | { ok: false; problem: SeriesProblem };

/** Days since 2000-01-01 of a 'YYYY-MM-DD' date; 'bad-date' when it is not one, 'no-such-date' for 2027-02-29 and the like. */
export function dayNumber(date: unknown): number | 'bad-date' | 'no-such-date' {
	const match = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
	if (!match) return 'bad-date';
	const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
	if (y < FIRST_YEAR || y > LAST_YEAR || mo < 1 || mo > 12 || d < 1 || d > 31) return 'bad-date';
	const at = Date.UTC(y, mo - 1, d);
	// Date.UTC rolls 29 February 2027 over into 1 March: such a day does not exist.
	if (new Date(at).getUTCDate() !== d) return 'no-such-date';
	return (at - EPOCH) / DAY_MS;
}

/** The 'YYYY-MM-DD' of a day number (dayNumber's inverse). */
export function dayText(day: number): string {
	return new Date(EPOCH + day * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday; 2000-01-01 was a Saturday. */
export function isoWeekday(day: number): number {
	return ((day + 5) % 7) + 1;
}

/** 'HH:MM' as minutes of the day, or null. */
export function minuteOfDay(start: unknown): number | null {
	const match = typeof start === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(start) : null;
	return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

export function startText(minute: number): string {
	return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** The zone's canonical name ('europe/copenhagen' → 'Europe/Copenhagen'), or null when Intl does not know it. */
export function canonicalZone(zone: unknown): string | null {
	if (typeof zone !== 'string' || zone.length === 0 || zone.length > MAX_ZONE_LENGTH) return null;
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
	} catch {
		return null;
	}
}

/** The days a plan meets on, in order, or what is wrong with it. */
function meetingDays(plan: { dates?: unknown; rule?: unknown }): number[] | SeriesProblem {
	if ((plan.dates === undefined) === (plan.rule === undefined)) return 'bad-rule';
	if (plan.dates !== undefined) {
		if (!Array.isArray(plan.dates)) return 'bad-date';
		if (plan.dates.length === 0) return 'no-meetings';
		if (plan.dates.length > MAX_MEETINGS) return 'too-many-meetings';
		const days: number[] = [];
		for (const date of plan.dates) {
			const day = dayNumber(date);
			if (typeof day !== 'number') return day;
			days.push(day);
		}
		days.sort((a, b) => a - b);
		if (days.some((day, i) => i > 0 && day === days[i - 1])) return 'repeated-date';
		return days.at(-1)! - days[0]! > MAX_SERIES_DAYS ? 'too-long' : days;
	}
	const rule = plan.rule as Partial<Record<keyof SeriesRule, unknown>> | null;
	if (typeof rule !== 'object' || rule === null) return 'bad-rule';
	const { everyWeeks, weekday } = rule;
	if (!Number.isInteger(everyWeeks) || (everyWeeks as number) < 1 || (everyWeeks as number) > MAX_EVERY_WEEKS) return 'bad-rule';
	if (!Number.isInteger(weekday) || (weekday as number) < 1 || (weekday as number) > 7) return 'bad-rule';
	const from = dayNumber(rule.from);
	if (typeof from !== 'number') return from;
	const until = dayNumber(rule.until);
	if (typeof until !== 'number') return until;
	if (until < from) return 'until-before-from';
	if (until - from > MAX_SERIES_DAYS) return 'too-long';
	const days: number[] = [];
	for (let day = from + (((((weekday as number) - isoWeekday(from)) % 7) + 7) % 7); day <= until; day += 7 * (everyWeeks as number)) days.push(day);
	if (days.length === 0) return 'no-meetings';
	return days.length > MAX_MEETINGS ? 'too-many-meetings' : days;
}

/** A plan in its one spelling (canonical zone, dates in order) with the days it meets on; or the first thing wrong with it. */
function checkPlan(input: unknown): { ok: true; plan: SeriesPlan; days: number[] } | { ok: false; problem: SeriesProblem } {
	if (typeof input !== 'object' || input === null) return { ok: false, problem: 'bad-rule' };
	const raw = input as Record<string, unknown>;
	const timeZone = canonicalZone(raw.timeZone);
	if (!timeZone) return { ok: false, problem: 'unknown-zone' };
	const minute = minuteOfDay(raw.start);
	if (minute === null) return { ok: false, problem: 'bad-start' };
	const days = meetingDays(raw);
	if (typeof days === 'string') return { ok: false, problem: days };
	const start = startText(minute);
	const rule = raw.rule as SeriesRule | undefined;
	const plan: SeriesPlan = rule
		? { timeZone, start, rule: { everyWeeks: rule.everyWeeks, weekday: rule.weekday, from: rule.from, until: rule.until } }
		: { timeZone, start, dates: days.map(dayText) };
	return { ok: true, plan, days };
}

/** What is wrong with a plan (a series without its length, as a link carries it), or null. */
export function planProblem(input: unknown): SeriesProblem | null {
	const checked = checkPlan(input);
	return checked.ok ? null : checked.problem;
}

/**
 * Checks a series as anyone may send it and gives it in its one spelling (canonical zone, dates
 * in order) with its meetings; or the first thing wrong with it.
 */
export function checkSeries(input: unknown): CheckedSeries {
	const checked = checkPlan(input);
	if (!checked.ok) return checked;
	const minutes = (input as Record<string, unknown>).minutes;
	if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < MIN_PLANNED_MINUTES || minutes > MAX_PLANNED_MINUTES)
		return { ok: false, problem: 'bad-minutes' };
	const { plan, days } = checked;
	const meetings = days.map((day) => ({ start: wallTimeToIso(`${dayText(day)}T${plan.start}`, plan.timeZone), minutes }));
	return { ok: true, spec: { ...plan, minutes }, meetings };
}

/** What is wrong with a series, or null when nothing is. */
export function seriesProblem(input: unknown): SeriesProblem | null {
	const checked = checkSeries(input);
	return checked.ok ? null : checked.problem;
}

/** Every meeting of a series, in order, as UTC instants. Throws on a series `checkSeries` refuses. */
export function meetingsOf(spec: SeriesSpec): Meeting[] {
	const checked = checkSeries(spec);
	if (!checked.ok) throw new RangeError(`not a meeting series: ${checked.problem}`);
	return checked.meetings;
}

function endOf(meeting: Meeting): number {
	return Date.parse(meeting.start) + meeting.minutes * 60_000;
}

/** The meeting under way at `now`, else the next one; null once the last one has ended. */
export function nextMeeting(meetings: readonly Meeting[], now: number): Meeting | null {
	return meetings.find((meeting) => endOf(meeting) > now) ?? null;
}

/** When the last meeting ends (epoch ms), or null for no meetings. */
export function lastMeetingEnd(meetings: readonly Meeting[]): number | null {
	return meetings.length === 0 ? null : Math.max(...meetings.map(endOf));
}

/** A series' links expire `daysAfter` days after its last meeting ends (epoch seconds, as a link's `x`). */
export function seriesExpiry(meetings: readonly Meeting[], daysAfter: number): number | null {
	const end = lastMeetingEnd(meetings);
	return end === null ? null : Math.floor(end / 1000) + daysAfter * 86_400;
}
