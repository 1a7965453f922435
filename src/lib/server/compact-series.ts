import { dayNumber, dayText, MAX_DAY_NUMBER, MAX_MEETINGS, minuteOfDay, startText, type SeriesPlan } from '../schedule/series';

/**
 * A group's meeting series (the `e` fact) in a compact link, behind extension bit 1 of
 * compact-link.ts. Its length is the link's `m` fact, so it is not written twice.
 *
 *   count (0 = a rule) · zone (text) · start (minute of the day) · dates: first day, then the
 *   gap to each next one | rule: every N weeks · weekday · from (day) · days from `from` to `until`
 *
 * Days count from 2000-01-01, so a date of this century is two bytes and a gap of under four
 * months one: the hospital group's ten dates are 12 bytes. Nothing is checked here beyond what
 * keeps reading bounded: the link schema checks the plan read back (series.ts `planProblem`).
 */

/** The two things this part needs of compact-link.ts's Writer and Reader (no import: no cycle). */
export interface SeriesWriter {
	varint(value: number): void;
	text(value: string): void;
}
export interface SeriesReader {
	varint(): number;
	text(): string;
}

function day(date: string): number {
	const value = dayNumber(date);
	if (typeof value !== 'number') throw new RangeError(`a compact link holds real dates, not ${date}`);
	return value;
}

/** Writes a plan; throws on one no link can hold (dates out of order, a date that is none). */
export function writeSeries(out: SeriesWriter, plan: SeriesPlan): void {
	const minute = minuteOfDay(plan.start);
	if (minute === null) throw new RangeError(`a compact link holds a start as HH:MM, not ${plan.start}`);
	const days = plan.dates?.map(day);
	out.varint(days?.length ?? 0);
	out.text(plan.timeZone);
	out.varint(minute);
	if (days) {
		// The gaps are unsigned: dates out of order throw rather than sign another series.
		days.forEach((value, i) => out.varint(i === 0 ? value : value - days[i - 1]!));
		return;
	}
	const { everyWeeks, weekday, from, until } = plan.rule!;
	out.varint(everyWeeks);
	out.varint(weekday);
	out.varint(day(from));
	out.varint(day(until) - day(from));
}

function readDay(value: number): string {
	// Beyond the last year a series may fall in, a day is no date Date can even spell.
	if (value > MAX_DAY_NUMBER) throw new RangeError('day out of range');
	return dayText(value);
}

/** Reads what writeSeries wrote; throws when it cannot be a plan. */
export function readSeries(input: SeriesReader): SeriesPlan {
	const count = input.varint();
	if (count > MAX_MEETINGS) throw new RangeError('too many dates');
	const timeZone = input.text();
	const start = startText(input.varint());
	if (count > 0) {
		const dates: string[] = [];
		let at = 0;
		for (let i = 0; i < count; i++) {
			at += input.varint();
			dates.push(readDay(at));
		}
		return { timeZone, start, dates };
	}
	const everyWeeks = input.varint();
	const weekday = input.varint();
	const from = input.varint();
	const until = from + input.varint();
	return { timeZone, start, rule: { everyWeeks, weekday, from: readDay(from), until: readDay(until) } };
}
