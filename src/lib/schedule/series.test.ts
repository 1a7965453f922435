import { describe, expect, it } from 'vitest';
import { checkSeries, dayNumber, dayText, isoWeekday, lastMeetingEnd, meetingsOf, nextMeeting, seriesExpiry, seriesProblem, type SeriesSpec } from './series';
import { wallTimeToIso } from './wall-time';
import { HOSPITAL_DATES } from '../../../tests/support/series';

const hospital: SeriesSpec = { timeZone: 'Europe/Copenhagen', start: '13:30', minutes: 120, dates: HOSPITAL_DATES };
const HOUR = 3_600_000;

/** The local wall time of an instant in a zone, 'YYYY-MM-DD HH:MM'. */
function localTime(iso: string, timeZone: string): string {
	return new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

describe('a meeting series', () => {
	it('keeps 13:30 in Copenhagen at 13:30 across the March and October changes', () => {
		const meetings = meetingsOf(hospital);
		expect(meetings).toHaveLength(10);
		for (const [i, meeting] of meetings.entries()) {
			expect(localTime(meeting.start, 'Europe/Copenhagen')).toBe(`${HOSPITAL_DATES[i]} 13:30`);
			expect(meeting.minutes).toBe(120);
		}
		// Winter time is UTC+1, summer time UTC+2: the instant moves, the wall time does not.
		expect(meetings[0]!.start).toBe('2027-02-08T12:30:00.000Z');
		expect(meetings[2]!.start).toBe('2027-04-12T11:30:00.000Z');
		expect(meetings[7]!.start).toBe('2027-10-14T11:30:00.000Z');
		expect(meetings[8]!.start).toBe('2027-11-08T12:30:00.000Z');
	});

	it('follows a rule across both changes: every week on Monday around the last Sundays of March and October', () => {
		const spring = meetingsOf({
			timeZone: 'Europe/Copenhagen',
			start: '13:30',
			minutes: 90,
			rule: { everyWeeks: 1, weekday: 1, from: '2027-03-22', until: '2027-04-05' }
		});
		expect(spring.map((m) => m.start)).toEqual(['2027-03-22T12:30:00.000Z', '2027-03-29T11:30:00.000Z', '2027-04-05T11:30:00.000Z']);
		const autumn = meetingsOf({
			timeZone: 'Europe/Copenhagen',
			start: '13:30',
			minutes: 90,
			rule: { everyWeeks: 1, weekday: 1, from: '2027-10-25', until: '2027-11-01' }
		});
		expect(autumn.map((m) => localTime(m.start, 'Europe/Copenhagen'))).toEqual(['2027-10-25 13:30', '2027-11-01 13:30']);
		expect(Date.parse(autumn[1]!.start) - Date.parse(autumn[0]!.start)).toBe(7 * 24 * HOUR + HOUR);
	});

	it('starts a rule on the first of its weekday on or after `from`, every N weeks, up to `until` itself', () => {
		// 2027-01-06 is a Wednesday; the first Monday after it is the 11th.
		const spec: SeriesSpec = { timeZone: 'UTC', start: '18:00', minutes: 90, rule: { everyWeeks: 2, weekday: 1, from: '2027-01-06', until: '2027-02-22' } };
		expect(meetingsOf(spec).map((m) => m.start.slice(0, 10))).toEqual(['2027-01-11', '2027-01-25', '2027-02-08', '2027-02-22']);
		// A Sunday rule from a Monday: six days on.
		expect(meetingsOf({ ...spec, rule: { everyWeeks: 1, weekday: 7, from: '2027-01-04', until: '2027-01-10' } })).toEqual([
			{ start: '2027-01-10T18:00:00.000Z', minutes: 90 }
		]);
		expect(isoWeekday(dayNumber('2027-01-04') as number)).toBe(1);
	});

	it('meets on 29 February 2028, in a rule and in dates, and knows 29 February 2027 does not exist', () => {
		expect(isoWeekday(dayNumber('2028-02-29') as number)).toBe(2);
		const rule = meetingsOf({
			timeZone: 'Europe/Berlin',
			start: '09:15',
			minutes: 60,
			rule: { everyWeeks: 1, weekday: 2, from: '2028-02-23', until: '2028-03-07' }
		});
		expect(rule.map((m) => localTime(m.start, 'Europe/Berlin'))).toEqual(['2028-02-29 09:15', '2028-03-07 09:15']);
		const dates = meetingsOf({ timeZone: 'Europe/Berlin', start: '09:15', minutes: 60, dates: ['2028-03-01', '2028-02-29'] });
		expect(dates[0]!.start).toBe('2028-02-29T08:15:00.000Z');
		expect(seriesProblem({ ...hospital, dates: ['2027-02-29'] })).toBe('no-such-date');
		expect(seriesProblem({ timeZone: 'UTC', start: '09:00', minutes: 60, rule: { everyWeeks: 1, weekday: 1, from: '2027-02-29', until: '2027-03-31' } })).toBe(
			'no-such-date'
		);
		expect(dayText(dayNumber('2028-02-29') as number)).toBe('2028-02-29');
	});

	it('gives one spelling: the zone as Intl names it, the dates in order', () => {
		const checked = checkSeries({ ...hospital, timeZone: 'europe/copenhagen', dates: [...HOSPITAL_DATES].reverse() });
		expect(checked).toMatchObject({ ok: true, spec: hospital });
		expect(checked.ok && checked.meetings).toEqual(meetingsOf(hospital));
	});

	it('says which meeting is under way or next, and none after the last', () => {
		const meetings = meetingsOf(hospital);
		const first = Date.parse(meetings[0]!.start);
		expect(nextMeeting(meetings, first - 30 * 24 * HOUR)).toBe(meetings[0]);
		// Under way until its two hours are over.
		expect(nextMeeting(meetings, first + 119 * 60_000)).toBe(meetings[0]);
		expect(nextMeeting(meetings, first + 120 * 60_000)).toBe(meetings[1]);
		const lastEnd = Date.parse('2027-12-09T14:30:00.000Z');
		expect(lastMeetingEnd(meetings)).toBe(lastEnd);
		expect(nextMeeting(meetings, lastEnd - 1)).toBe(meetings[9]);
		expect(nextMeeting(meetings, lastEnd)).toBeNull();
		expect(lastMeetingEnd([])).toBeNull();
	});

	it("expires a series' links a given number of days after the last meeting ends", () => {
		const meetings = meetingsOf(hospital);
		expect(seriesExpiry(meetings, 30)).toBe(Date.parse('2028-01-08T14:30:00.000Z') / 1000);
		expect(seriesExpiry(meetings, 1)).toBe(Date.parse('2027-12-10T14:30:00.000Z') / 1000);
		expect(seriesExpiry([], 30)).toBeNull();
	});

	it('refuses bad input with a stable code', () => {
		const rule = { everyWeeks: 2, weekday: 1, from: '2027-01-04', until: '2027-06-28' };
		const base = { timeZone: 'Europe/Copenhagen', start: '13:30', minutes: 90 };
		const cases: [unknown, string][] = [
			[null, 'bad-rule'],
			[{ ...base, timeZone: 'Mars/Olympus_Mons', rule }, 'unknown-zone'],
			[{ ...base, timeZone: '', rule }, 'unknown-zone'],
			[{ ...base, start: '25:00', rule }, 'bad-start'],
			[{ ...base, start: '9:00', rule }, 'bad-start'],
			[{ ...base, minutes: 5, rule }, 'bad-minutes'],
			[{ ...base, minutes: 90.5, rule }, 'bad-minutes'],
			[{ ...base }, 'bad-rule'],
			[{ ...base, rule, dates: ['2027-01-04'] }, 'bad-rule'],
			[{ ...base, rule: { ...rule, everyWeeks: 9 } }, 'bad-rule'],
			[{ ...base, rule: { ...rule, everyWeeks: 0 } }, 'bad-rule'],
			[{ ...base, rule: { ...rule, weekday: 0 } }, 'bad-rule'],
			[{ ...base, rule: { ...rule, weekday: 8 } }, 'bad-rule'],
			[{ ...base, rule: { ...rule, until: '2026-12-31' } }, 'until-before-from'],
			[{ ...base, rule: { ...rule, from: '2027-01-05', until: '2027-01-10' } }, 'no-meetings'],
			[{ ...base, rule: { ...rule, everyWeeks: 1, until: '2028-06-30' } }, 'too-many-meetings'],
			[{ ...base, rule: { ...rule, everyWeeks: 8, until: '2029-06-30' } }, 'too-long'],
			[{ ...base, dates: [] }, 'no-meetings'],
			[{ ...base, dates: ['2027-1-4'] }, 'bad-date'],
			[{ ...base, dates: ['0027-01-04'] }, 'bad-date'],
			[{ ...base, dates: ['2027-13-01'] }, 'bad-date'],
			[{ ...base, dates: ['2027-04-31'] }, 'no-such-date'],
			[{ ...base, dates: ['2027-01-04', '2027-01-04'] }, 'repeated-date'],
			[{ ...base, dates: ['2027-01-04', '2029-01-05'] }, 'too-long'],
			[{ ...base, dates: Array.from({ length: 61 }, (_, i) => dayText((dayNumber('2027-01-04') as number) + i)) }, 'too-many-meetings']
		];
		for (const [input, problem] of cases) expect(seriesProblem(input), JSON.stringify(input)).toBe(problem);
		// Sixty meetings and a span of two years with a leap day are allowed.
		expect(seriesProblem({ ...base, dates: Array.from({ length: 60 }, (_, i) => dayText((dayNumber('2027-01-04') as number) + i)) })).toBeNull();
		expect(seriesProblem({ ...base, dates: ['2027-01-04', '2029-01-04'] })).toBeNull();
		expect(() => meetingsOf({ ...base, dates: ['2027-02-30'] })).toThrow(RangeError);
	});

	it('shares the wall-time arithmetic of the conference planner', () => {
		expect(wallTimeToIso('2027-03-28T13:30', 'Europe/Copenhagen')).toBe('2027-03-28T11:30:00.000Z');
		expect(wallTimeToIso('2027-03-27T13:30', 'Europe/Copenhagen')).toBe('2027-03-27T12:30:00.000Z');
	});
});
