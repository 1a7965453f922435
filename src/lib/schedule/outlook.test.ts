import { describe, expect, it } from 'vitest';
import type { Meeting } from '../sync/api-types';
import { afterEnd, dayIn, outlook } from './outlook';
import { wallTimeToIso } from './wall-time';

const CPH = 'Europe/Copenhagen';
const at = (local: string, zone = CPH) => Date.parse(wallTimeToIso(local, zone));
const meeting = (local: string, minutes = 90): Meeting => ({ start: wallTimeToIso(local, CPH), minutes });

/** Mondays at 13.30 in Copenhagen, across the change to summer time on 28 March 2027. */
const series = [meeting('2027-03-15T13:30'), meeting('2027-03-29T13:30'), meeting('2027-04-12T13:30')];
const [first, second, third] = series as [Meeting, Meeting, Meeting];

describe('what the join screen and the lobby say', () => {
	it('on a day without a meeting: the next one, for readers in any zone', () => {
		for (const zone of [CPH, 'America/New_York', 'Asia/Tokyo']) {
			expect(outlook(series, at('2027-03-17T10:00'), zone)).toEqual({ kind: 'next', meeting: second, earlierToday: false });
		}
		// Before the first meeting, the first.
		expect(outlook(series, at('2027-03-01T09:00'), CPH)).toEqual({ kind: 'next', meeting: first, earlierToday: false });
	});

	it("on the day: today's meeting, before it starts and while it is under way", () => {
		expect(outlook(series, at('2027-03-29T08:00'), CPH)).toEqual({ kind: 'today', meeting: second, underWay: false });
		expect(outlook(series, at('2027-03-29T14:00'), CPH)).toEqual({ kind: 'today', meeting: second, underWay: true });
	});

	it("after the day's meeting: the next, saying today's is over", () => {
		expect(outlook(series, at('2027-03-29T15:30'), CPH)).toEqual({ kind: 'next', meeting: third, earlierToday: true });
	});

	it("'today' is the reader's day: 18.00 in Copenhagen is tomorrow in Tokyo", () => {
		const evening = [meeting('2027-03-29T18:00')];
		const now = at('2027-03-29T14:00');
		expect(dayIn(now, 'Asia/Tokyo')).toBe('2027-03-29');
		expect(dayIn(Date.parse(evening[0]!.start), 'Asia/Tokyo')).toBe('2027-03-30');
		expect(outlook(evening, now, CPH)).toMatchObject({ kind: 'today' });
		expect(outlook(evening, now, 'Asia/Tokyo')).toMatchObject({ kind: 'next', earlierToday: false });
		// Once it has begun it is under way for everyone, whatever their calendar says.
		expect(outlook(evening, at('2027-03-29T18:30'), 'America/Los_Angeles')).toMatchObject({ kind: 'today', underWay: true });
	});

	it('after the last meeting: that they are over, naming the last', () => {
		expect(outlook(series, at('2027-04-20T10:00'), CPH)).toEqual({ kind: 'over', meeting: third });
		expect(outlook([], at('2027-04-20T10:00'), CPH)).toBeNull();
	});
});

describe('what the ended page says', () => {
	it('the next meeting after the one just held', () => {
		expect(afterEnd(series, at('2027-03-29T14:55'))).toEqual({ kind: 'next', meeting: third });
		// Ended early, or met an hour before the planned time: still that meeting, so the next is the one after.
		expect(afterEnd(series, at('2027-03-29T12:00'))).toEqual({ kind: 'next', meeting: third });
		// Ran over by an hour.
		expect(afterEnd(series, at('2027-03-29T16:00'))).toEqual({ kind: 'next', meeting: third });
	});

	it('a session on a day without a meeting: the next planned one', () => {
		expect(afterEnd(series, at('2027-03-20T15:00'))).toEqual({ kind: 'next', meeting: second });
	});

	it("the series' last meeting says so; a session after the series, that none is planned", () => {
		expect(afterEnd(series, at('2027-04-12T15:00'))).toEqual({ kind: 'last' });
		expect(afterEnd(series, at('2027-05-01T15:00'))).toEqual({ kind: 'none' });
		expect(afterEnd([], at('2027-05-01T15:00'))).toEqual({ kind: 'none' });
	});
});
