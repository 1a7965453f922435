import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/lib/server/config';
import type { ApiErrorAnswer, CreatedGroup, LinkInfo } from '../../src/lib/sync/api-types';
import { HOSPITAL_DATES, HOSPITAL_SERIES } from '../support/series';
import { askLink, cleanup, fragmentOf, LINK_SECRET, startServer, tokenOf } from './harness';

/**
 * A group's meeting series through the real API: made with dates or a rule, refused when it is
 * no series, carried in every link and answered from it, and the links' expiry after the last
 * meeting. Only `Date` is faked (to a day in January 2027), so the fixed dates stay ahead.
 */
const JANUARY_2027 = Date.parse('2027-01-15T09:00:00Z');
const DAY = 86_400_000;

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['Date'], now: JANUARY_2027 });
});
afterEach(async () => {
	await cleanup();
	vi.useRealTimers();
});

async function inspect(s: { post: (path: string, body: unknown) => Promise<{ status: number; json: unknown }> }, link: string) {
	return s.post('/api/links/inspect', { token: tokenOf(link) });
}

describe('a group with a meeting series', () => {
	it('is made with dates: 120 minutes planned, every meeting in each answer, links that expire 30 days after the last', async () => {
		const s = await startServer();
		const res = await s.post('/api/groups', { name: 'Balintgruppe, Psykiatrien', series: HOSPITAL_SERIES });
		expect(res.status).toBe(201);
		const created = res.json as CreatedGroup;
		expect(created.group.plannedMinutes).toBe(120);
		const series = created.group.series!;
		expect(series.timeZone).toBe('Europe/Copenhagen');
		expect(series.meetings).toHaveLength(10);
		expect(series.meetings.map((m) => m.minutes)).toEqual(Array(10).fill(120));
		// 13:30 in Copenhagen: UTC+1 in winter, UTC+2 in summer.
		expect(series.meetings[0]).toEqual({ start: '2027-02-08T12:30:00.000Z', minutes: 120 });
		expect(series.meetings[4]).toEqual({ start: '2027-06-14T11:30:00.000Z', minutes: 120 });
		expect(series.meetings.map((m) => m.start.slice(0, 10))).toEqual(HOSPITAL_DATES);
		expect(created.expiresAt).toBe(new Date(Date.parse('2027-12-09T14:30:00Z') + 30 * DAY).toISOString());

		// Every link carries the series; inspecting any of them answers it, and the ticket too.
		for (const [key, link] of Object.entries(created.links)) {
			const inspected = await inspect(s, link);
			expect(inspected.status, key).toBe(200);
			expect((inspected.json as LinkInfo).group).toMatchObject({ plannedMinutes: 120, series });
			expect((inspected.json as LinkInfo).expiresAt).toBe(created.expiresAt);
		}
		const ticket = await s.ticket(created.links.member, 'Mette');
		expect(ticket.group.series).toEqual(series);

		// The leader's room plans 120 minutes (the leaders' timers count against it).
		const leader = await s.connect(created.links.leader, 'Lene');
		expect(leader.must().plannedMinutes).toBe(120);

		// A member link shown again from the room keeps the series.
		const shown = await askLink(s, 'current', leader, 'member');
		expect(shown.status).toBe(200);
		expect(((await s.post('/api/links/inspect', { token: shown.json.token })).json as LinkInfo).group.series).toEqual(series);
	});

	it('is made with a rule: every two weeks on Wednesday, the length from plannedMinutes, the zone as Intl spells it', async () => {
		const s = await startServer();
		const rule = { everyWeeks: 2, weekday: 3, from: '2027-01-18', until: '2027-03-31' };
		const created = await s.createGroup('Nätverksgruppen', { plannedMinutes: 75, series: { timeZone: 'europe/stockholm', start: '17:00', rule } });
		expect(created.group.plannedMinutes).toBe(75);
		expect(created.group.series).toEqual({
			timeZone: 'Europe/Stockholm',
			meetings: [
				...['2027-01-20', '2027-02-03', '2027-02-17', '2027-03-03', '2027-03-17'].map((day) => ({ start: `${day}T16:00:00.000Z`, minutes: 75 })),
				// Summer time from 28 March: 17:00 in Stockholm is 15:00 UTC.
				{ start: '2027-03-31T15:00:00.000Z', minutes: 75 }
			]
		});
		expect(((await inspect(s, created.links.observer)).json as LinkInfo).group.series).toEqual(created.group.series);
		// The series' own minutes win over plannedMinutes.
		const own = await s.createGroup('Nätverksgruppen', { plannedMinutes: 75, series: { timeZone: 'UTC', start: '17:00', minutes: 90, rule } });
		expect(own.group.plannedMinutes).toBe(90);
		expect(fragmentOf(own.links.member).t.length).toBeLessThan(fragmentOf(created.links.member).t.length + 10);
	});

	it('refuses what is no series with a clear 400, and makes no links', async () => {
		const s = await startServer();
		const base = { timeZone: 'Europe/Copenhagen', start: '13:30', minutes: 120 };
		const rule = { everyWeeks: 2, weekday: 1, from: '2027-02-01', until: '2027-06-30' };
		const refusals: [unknown, RegExp][] = [
			[{ ...base, timeZone: 'Europe/Atlantis', rule }, /not a time zone/],
			[{ ...base, dates: ['2027-02-31'] }, /does not exist/],
			[{ ...base, dates: ['8 February 2027'] }, /YYYY-MM-DD/],
			[{ ...base, dates: ['2027-02-08', '2027-02-08'] }, /twice/],
			[{ ...base, rule: { ...rule, until: '2027-01-01' } }, /ends \(until\) before it begins/],
			[{ ...base, rule: { ...rule, everyWeeks: 1, until: '2028-12-31' } }, /at most 60 meetings/],
			[{ ...base, dates: Array.from({ length: 61 }, (_, i) => `2027-03-${String((i % 28) + 1).padStart(2, '0')}`) }, /at most 60 meetings/],
			[{ ...base, rule: { ...rule, everyWeeks: 8, until: '2029-06-30' } }, /at most 731 days/],
			[{ ...base, start: '1.30 pm', rule }, /HH:MM/],
			[{ ...base, minutes: 5, rule }, /15 to 600/],
			[{ ...base }, /either dates or a rule/],
			[{ ...base, dates: ['2026-11-02', '2026-11-30'] }, /already over/],
			// Beyond LINK_TTL_DAYS (180) ahead: links would otherwise outlast any lifetime the server allows.
			[{ ...base, dates: ['2027-08-02', '2027-08-09'] }, /within 180 days/],
			[{ ...base, rule: { ...rule, weekday: 'Monday' } }, /rule\.weekday must be a number/],
			['every Monday', /series must be an object/]
		];
		for (const [series, message] of refusals) {
			const res = await s.post('/api/groups', { name: 'Refused', series });
			expect(res.status, JSON.stringify(series)).toBe(400);
			const body = res.json as ApiErrorAnswer;
			expect(body.error.code).toBe('invalid-request');
			expect(body.error.message, JSON.stringify(series)).toMatch(message);
			expect(JSON.stringify(res.json)).not.toContain('#t=');
		}
	});

	it('has links that expire LINK_DAYS_AFTER_LAST_MEETING days after the last meeting, not after LINK_TTL_DAYS', async () => {
		const s = await startServer({ LINK_DAYS_AFTER_LAST_MEETING: '2', LINK_TTL_DAYS: '365' });
		const created = await s.createGroup('Short series', { series: { timeZone: 'UTC', start: '10:00', minutes: 60, dates: ['2027-01-20', '2027-01-27'] } });
		const lastEnd = Date.parse('2027-01-27T11:00:00Z');
		expect(created.expiresAt).toBe(new Date(lastEnd + 2 * DAY).toISOString());
		// After the last meeting the links still open (to say there is none left), until the days are over.
		vi.setSystemTime(lastEnd + 2 * DAY - 60_000);
		expect((await inspect(s, created.links.leader)).status).toBe(200);
		vi.setSystemTime(lastEnd + 2 * DAY);
		const expired = await inspect(s, created.links.leader);
		expect(expired.status).toBe(410);
		expect((expired.json as ApiErrorAnswer).error.code).toBe('link-expired');
		// A group without a series keeps the fixed lifetime.
		const plain = await s.createGroup('No series');
		expect(plain.group.series).toBeUndefined();
		expect(plain.expiresAt).toBe(new Date(Math.floor((lastEnd + 2 * DAY) / 1000) * 1000 + 365 * DAY).toISOString());
	});

	it('reads LINK_DAYS_AFTER_LAST_MEETING at start-up: 30 by default, a bad value names the variable', () => {
		expect(loadConfig({ LINK_SECRET }).linkDaysAfterLastMeeting).toBe(30);
		expect(loadConfig({ LINK_SECRET, LINK_DAYS_AFTER_LAST_MEETING: '7' }).linkDaysAfterLastMeeting).toBe(7);
		for (const bad of ['-1', 'a month', '4000'])
			expect(() => loadConfig({ LINK_SECRET, LINK_DAYS_AFTER_LAST_MEETING: bad })).toThrow(/LINK_DAYS_AFTER_LAST_MEETING/);
	});
});
