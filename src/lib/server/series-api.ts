import * as v from 'valibot';
import { checkSeries, MAX_MEETINGS, lastMeetingEnd, seriesExpiry, type SeriesPlan, type SeriesProblem, type SeriesSpec } from '../schedule/series';
import { MAX_SERIES_DAYS } from '../schedule/series';
import type { Meeting, MeetingSeries } from '../sync/api-types';
import type { Config } from './config';
import { HttpError } from './http';
import type { LinkFacts } from './links';

/**
 * A group's meeting series at the API: the shape `POST /api/groups` takes, the refusals in
 * plain English, the links' expiry after the last meeting, and the `series` of every answer
 * that describes a group (computed from the link's `e` and `m` facts; nothing is stored).
 */

const text = (field: string) => v.string(`series.${field} must be text.`);
const whole = (field: string) => v.pipe(v.number(`series.${field} must be a number.`), v.integer(`series.${field} must be a whole number.`));

/** The shape only; `seriesOfRequest` checks the meaning (series.ts is the one judge of that). */
export const SeriesRequestSchema = v.object(
	{
		timeZone: v.pipe(text('timeZone'), v.maxLength(64, 'series.timeZone is not a time zone.')),
		start: text('start'),
		minutes: v.optional(whole('minutes')),
		dates: v.optional(
			v.pipe(v.array(text('dates[]'), 'series.dates must be a list of dates.'), v.maxLength(MAX_MEETINGS, `A series has at most ${MAX_MEETINGS} meetings.`))
		),
		rule: v.optional(
			v.object(
				{ everyWeeks: whole('rule.everyWeeks'), weekday: whole('rule.weekday'), from: text('rule.from'), until: text('rule.until') },
				'series.rule must be an object with everyWeeks, weekday, from and until.'
			)
		)
	},
	'series must be an object.'
);

const PROBLEM_TEXT: Record<SeriesProblem, string> = {
	'unknown-zone': 'series.timeZone is not a time zone this server knows (use an IANA name such as Europe/Copenhagen).',
	'bad-start': 'series.start must be a time of day as HH:MM, such as 13:30.',
	'bad-minutes': 'series.minutes must be a whole number from 15 to 600.',
	'bad-date': 'Every date of a series must be written YYYY-MM-DD, in the years 2000 to 2199.',
	'no-such-date': 'A date of the series does not exist (such as 29 February in a year that is not a leap year).',
	'repeated-date': 'A date is given twice in the series.',
	'bad-rule': 'Give the series either dates or a rule: every 1 to 8 weeks (everyWeeks) on a weekday (1 = Monday to 7 = Sunday).',
	'until-before-from': 'The rule of the series ends (until) before it begins (from).',
	'no-meetings': 'The series has no meeting: give at least one date, or a rule whose weekday falls between from and until.',
	'too-many-meetings': `A series has at most ${MAX_MEETINGS} meetings.`,
	'too-long': `A series spans at most ${MAX_SERIES_DAYS} days from its first meeting to its last.`
};

/**
 * The series a request asks for, in its one spelling, with its meetings; its length is
 * `series.minutes`, else the group's planned minutes. Refuses (400) one that is not a series or
 * whose every meeting is over (its links would be born expired).
 */
export function seriesOfRequest(
	input: v.InferOutput<typeof SeriesRequestSchema>,
	plannedMinutes: number,
	now = Date.now(),
	linkTtlDays = Infinity
): { spec: SeriesSpec; meetings: Meeting[] } {
	const checked = checkSeries({ ...input, minutes: input.minutes ?? plannedMinutes });
	if (!checked.ok) throw new HttpError(400, 'invalid-request', PROBLEM_TEXT[checked.problem]);
	if ((lastMeetingEnd(checked.meetings) ?? 0) <= now) throw new HttpError(400, 'invalid-request', 'Every meeting of this series is already over.');
	// A series is at most two years long; starting within the links' usual lifetime, its links
	// then last no longer than LINK_TTL_DAYS, two years and LINK_DAYS_AFTER_LAST_MEETING.
	const first = Date.parse(checked.meetings[0]!.start);
	if (first > now + linkTtlDays * 86_400_000)
		throw new HttpError(400, 'invalid-request', `The first meeting must be within ${linkTtlDays} days from now: make the group nearer the time.`);
	return checked;
}

/** A series' links expire `LINK_DAYS_AFTER_LAST_MEETING` days after its last meeting ends (epoch seconds). */
export function seriesLinkExpiry(config: Config, meetings: readonly Meeting[]): number {
	return seriesExpiry(meetings, config.linkDaysAfterLastMeeting)!;
}

/** The plan a link carries: the series without its length (the link's `m`). */
export function linkPlan(spec: SeriesSpec): SeriesPlan {
	return spec.dates ? { timeZone: spec.timeZone, start: spec.start, dates: spec.dates } : { timeZone: spec.timeZone, start: spec.start, rule: spec.rule };
}

/** The group's series as an answer gives it, from a link's facts; undefined for a group without one. */
export function linkSeries(facts: Pick<LinkFacts, 'e' | 'm'>): MeetingSeries | undefined {
	if (!facts.e) return undefined;
	const checked = checkSeries({ ...facts.e, minutes: facts.m });
	// The link schema checked the plan, and `m` is a planned length: this always holds.
	return checked.ok ? { timeZone: checked.spec.timeZone, meetings: checked.meetings } : undefined;
}
