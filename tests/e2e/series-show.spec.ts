import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext } from '@playwright/test';
import ICAL from 'ical.js';
import type { CreatedGroup, MeetingSeries } from '../../src/lib/sync/api-types';
import { admit, baseUrl, expect, joinAs, test } from './fixtures';

/**
 * What people see of a group's meeting series (issue 14), through the real API and real
 * browsers: the next meeting in each reader's own zone and language, the ended page's next
 * meeting or last, and the links page's list and calendar file. The server's clock cannot be
 * faked, so every series is made relative to now.
 */

const SHOTS = '/tmp/shots-series-show';
const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of an instant in a zone. */
function dayIn(instant: number, timeZone: string): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

/** 'HH:MM' of an instant in a zone, as the en-GB browsers of these tests write a time. */
function clockIn(instant: number | string, timeZone: string): string {
	return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}

async function createSeriesGroup(
	request: APIRequestContext,
	name: string,
	series: Record<string, unknown>
): Promise<CreatedGroup & { group: { series: MeetingSeries } }> {
	const response = await request.post(`${baseUrl()}/api/groups`, { data: { name, series } });
	expect(response.status(), await response.text()).toBe(201);
	const created = (await response.json()) as CreatedGroup;
	expect(created.group.series, 'the answer gives the meetings').toBeDefined();
	return created as CreatedGroup & { group: { series: MeetingSeries } };
}

test("on a day without a meeting the join screen and the lobby say when the next one is, in each reader's zone and language; a leader still opens the room", async ({
	browser,
	request
}) => {
	// Copenhagen's day after tomorrow at 13:30 is never today for Tokyo (8 hours ahead at most) or New York.
	const today = Date.now();
	const created = await createSeriesGroup(request, 'Psychiatry Balint', {
		timeZone: 'Europe/Copenhagen',
		start: '13:30',
		minutes: 120,
		dates: [dayIn(today + 2 * DAY_MS, 'Europe/Copenhagen'), dayIn(today + 9 * DAY_MS, 'Europe/Copenhagen')]
	});
	const next = created.group.series.meetings[0]!;

	// The leader opens the room anyway (groups move meetings).
	const leader = await joinAs(browser, created.links.leader, 'Lena Leader', { timezoneId: 'Europe/Copenhagen' });
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');

	// A member in Tokyo reads it in English, at Tokyo's hour.
	const tokyo = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
	const mira = await tokyo.newPage();
	await mira.goto(created.links.member);
	const note = mira.getByTestId('next-meeting');
	await expect(note).toHaveAttribute('data-kind', 'next');
	await expect(note).toContainText('No meeting today; the next is');
	await expect(note).toContainText(`${clockIn(next.start, 'Asia/Tokyo')}, your time`);
	await expect(note.locator('time')).toHaveAttribute('datetime', next.start);
	await mira.screenshot({ path: `${SHOTS}/join-not-today-tokyo.png`, fullPage: true });

	// In the lobby too, and she is let in as on any other day.
	await mira.getByTestId('display-name').fill('Mira Member');
	await mira.getByTestId('accept-ground-rules').check();
	await mira.getByTestId('join').click();
	await expect(mira.getByTestId('lobby-waiting')).toBeVisible();
	await expect(mira.getByTestId('lobby-waiting').getByTestId('next-meeting')).toContainText(clockIn(next.start, 'Asia/Tokyo'));
	await mira.screenshot({ path: `${SHOTS}/lobby-not-today-tokyo.png`, fullPage: true });
	await admit(leader.page, 'Mira Member');
	await expect(mira.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');

	// A member in New York reading German sees New York's hour, in German.
	const nils = await browser.newContext({ timezoneId: 'America/New_York', locale: 'de-DE' });
	const page = await nils.newPage();
	await page.goto(created.links.member);
	await expect(page.getByTestId('next-meeting')).toContainText('Heute kein Treffen; das nächste ist am');
	await expect(page.getByTestId('next-meeting')).toContainText(`${clockIn(next.start, 'America/New_York')}, Ihre Ortszeit`);
	await page.screenshot({ path: `${SHOTS}/join-not-today-new-york-de.png`, fullPage: true });
});

test("the ended page names the next meeting, and after the series' last one says it was the last", async ({ browser, request }) => {
	// Meetings in UTC starting this minute, so today's is under way whatever the hour.
	const now = Date.now();
	const start = clockIn(now, 'UTC');
	const withNext = await createSeriesGroup(request, 'Weekly group', {
		timeZone: 'UTC',
		start,
		minutes: 90,
		dates: [dayIn(now, 'UTC'), dayIn(now + 7 * DAY_MS, 'UTC')]
	});
	const lastOnly = await createSeriesGroup(request, 'Closing group', { timeZone: 'UTC', start, minutes: 90, dates: [dayIn(now, 'UTC')] });

	for (const [created, kind] of [
		[withNext, 'next'],
		[lastOnly, 'last']
	] as const) {
		const leader = await joinAs(browser, created.links.leader, 'Lena Leader');
		const member = await joinAs(browser, created.links.member, 'Mira Member', { timezoneId: 'Asia/Tokyo' });
		await expect(member.page.getByTestId('lobby-waiting').getByTestId('next-meeting')).toHaveAttribute('data-kind', 'today');
		await expect(member.page.getByTestId('next-meeting')).toContainText("Today's meeting:");
		await admit(leader.page, 'Mira Member');
		await leader.page.getByTestId('end-session').click();
		await leader.page.getByTestId('confirm-end-session').click();
		for (const page of [leader.page, member.page]) {
			const note = page.getByTestId('session-ended').getByTestId('next-meeting');
			await expect(note).toHaveAttribute('data-kind', kind);
			if (kind === 'next') {
				const next = created.group.series.meetings[1]!;
				await expect(note).toContainText('The next meeting is');
				await expect(note.locator('time')).toHaveAttribute('datetime', next.start);
			} else {
				await expect(note).toHaveText("This was the group's last meeting.");
			}
		}
		await member.page.screenshot({ path: `${SHOTS}/ended-${kind}.png`, fullPage: true });
		await leader.context.close();
		await member.context.close();
	}
});

test("the links page lists the meetings in the reader's zone and the planned one, and its calendar file holds them all and no link", async ({ browser }) => {
	const context = await browser.newContext({ timezoneId: 'America/New_York', acceptDownloads: true });
	const page = await context.newPage();
	await page.goto(baseUrl() + '/');
	await page.getByTestId('group-name').fill('Hospital Balint');
	await page.getByTestId('series-toggle').click();
	await page.locator('[data-testid="series-mode"][value="dates"]').check();
	const now = Date.now();
	const dates = [dayIn(now + 3 * DAY_MS, 'Europe/Copenhagen'), dayIn(now + 17 * DAY_MS, 'Europe/Copenhagen')];
	await page.getByTestId('series-date').first().fill(dates[0]!);
	await page.getByTestId('series-date-add').click();
	await page.getByTestId('series-date').nth(1).fill(dates[1]!);
	await page.getByTestId('series-start').fill('13:30');
	await page.getByTestId('series-minutes').fill('120');
	await page.getByTestId('series-zone').selectOption('Europe/Copenhagen');
	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('group-links')).toBeVisible();

	const meetings = page.getByTestId('meetings').getByTestId('meeting');
	await expect(meetings).toHaveCount(2);
	const starts: string[] = [];
	for (const [i, date] of dates.entries()) {
		const meeting = meetings.nth(i);
		const start = (await meeting.getAttribute('data-start'))!;
		starts.push(start);
		// 13:30 in Copenhagen that day, shown at New York's hour, with the planned time beside it.
		expect(dayIn(Date.parse(start), 'Europe/Copenhagen')).toBe(date);
		expect(clockIn(start, 'Europe/Copenhagen')).toBe('13:30');
		await expect(meeting.locator('time')).toHaveAttribute('datetime', start);
		await expect(meeting.locator('time')).toContainText(clockIn(start, 'America/New_York'));
		await expect(meeting).toContainText('(120 minutes)');
		await expect(meeting).toContainText(/planned: 13:30\s?–\s?15:30 Central European/);
	}
	await expect(page.getByTestId('meetings')).toContainText('Times in your time zone (Eastern');
	expect(
		await new AxeBuilder({ page })
			.include('[data-testid="meetings"]')
			.analyze()
			.then((r) => r.violations.map((v) => v.id))
	).toEqual([]);
	await page.screenshot({ path: `${SHOTS}/links-meetings-new-york.png`, fullPage: true });

	const download = page.waitForEvent('download');
	await page.getByTestId('series-ics').click();
	const file = await download;
	expect(file.suggestedFilename()).toBe('Hospital Balint.ics');
	const text = readFileSync((await file.path())!, 'utf8');
	const vevents = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
	expect(vevents).toHaveLength(1);
	const event = new ICAL.Event(vevents[0]);
	const parsed: string[] = [];
	const it = event.iterator();
	for (let next = it.next(); next; next = it.next()) parsed.push(next.toJSDate().toISOString());
	expect(parsed).toEqual(starts);
	expect(event.duration.toSeconds()).toBe(120 * 60);
	expect(event.summary).toBe('Hospital Balint');
	// No link, token or key of any role: a calendar travels to outside services.
	for (const key of ['leader', 'coLeader', 'member', 'observer']) {
		const url = (await page.getByTestId(`link-${key}`).getAttribute('data-url'))!;
		expect(text).not.toContain(new URL(url).hash.slice(1, 20));
	}
	expect(text).not.toMatch(/https?:|#t=|&k=/);

	// The printed sheet lists the meetings, without the download button.
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByTestId('meetings')).toBeVisible();
	await expect(page.getByTestId('series-ics')).toBeHidden();
	await page.screenshot({ path: `${SHOTS}/links-print.png`, fullPage: true });
	await context.close();
});
