import AxeBuilder from '@axe-core/playwright';
import { expect, test, baseUrl, closeAll, joinOnPage, watchErrors } from './fixtures';
import type { LinkInfo } from '../../src/lib/sync/api-types';

/**
 * A leader makes the hospital group from the start page: five Mondays and five Thursdays at
 * 13:30 in Copenhagen, two hours each. The form says what is wrong with a series before it is
 * sent, the links carry the ten meetings, and the leader's timer counts against 120 minutes.
 */
const DAY = 86_400_000;

/** Five Mondays and five Thursdays from a Monday at least two weeks ahead, so the test never ages. */
function hospitalDates(now = Date.now()): string[] {
	let monday = Math.floor(now / DAY) * DAY + 14 * DAY;
	while (new Date(monday).getUTCDay() !== 1) monday += DAY;
	return Array.from({ length: 10 }, (_, i) => new Date(monday + Math.floor(i / 2) * 28 * DAY + (i % 2) * 17 * DAY).toISOString().slice(0, 10));
}

test('a leader makes the hospital group with its ten meetings, and the timer plans 120 minutes', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	const errors = watchErrors(page);
	await page.goto(`${baseUrl()}/`);
	await page.getByTestId('group-name').fill('Balintgruppe, Psykiatrien');

	// Folded by default; opened, it offers no fixed meetings until one is chosen.
	await expect(page.getByTestId('series-mode').first()).toBeHidden();
	await page.getByTestId('series-toggle').click();
	await expect(page.getByTestId('series-mode').first()).toBeChecked();
	await expect(page.getByTestId('planned-minutes')).toBeVisible();
	await page.getByLabel('On given dates').check();
	// The series holds the length now: one length field, in the meetings part.
	await expect(page.getByTestId('planned-minutes')).toHaveCount(0);

	const dates = hospitalDates();
	for (const [i, date] of dates.entries()) {
		if (i > 0) await page.getByTestId('series-date-add').click();
		await page.getByTestId('series-date').nth(i).fill(date);
	}
	await page.getByTestId('series-start').fill('13:30');
	await page.getByTestId('series-minutes').fill('120');
	await page.getByTestId('series-zone').selectOption('Europe/Copenhagen');
	await expect(page.getByTestId('series-summary')).toHaveAttribute('data-count', '10');
	await expect(page.getByTestId('series-summary')).toContainText('Meetings planned: 10');

	// A date given twice: the form says so, on the dates, before anything is sent.
	await page.getByTestId('series-date-add').click();
	await page.getByTestId('series-date').nth(10).fill(dates[3]!);
	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('series-problem')).toHaveText('A date is given twice.');
	await expect(page.getByTestId('series-date').first()).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('series-date').first()).toBeFocused();
	const { violations } = await new AxeBuilder({ page }).analyze();
	expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
	await page.getByTestId('series-date-remove').nth(10).click();
	await expect(page.getByTestId('series-problem')).toHaveCount(0);

	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('group-links')).toBeVisible();
	const leaderLink = (await page.getByTestId('link-leader').getAttribute('data-url'))!;

	// The link itself carries the ten meetings, each at 13:30 in Copenhagen.
	const token = new URLSearchParams(new URL(leaderLink).hash.slice(1)).get('t');
	const info = (await (await page.request.post(`${baseUrl()}/api/links/inspect`, { data: { token } })).json()) as LinkInfo;
	expect(info.group.plannedMinutes).toBe(120);
	expect(info.group.series?.timeZone).toBe('Europe/Copenhagen');
	const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen', dateStyle: 'short', timeStyle: 'short' });
	expect(info.group.series?.meetings.map((meeting) => local.format(new Date(meeting.start)))).toEqual(dates.map((date) => `${date} 13:30`));

	// The leader opens the room: the session, once started, counts against two hours.
	await joinOnPage(page, leaderLink, 'Lene');
	await page.getByTestId('next-phase').click();
	await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');
	await expect(page.getByTestId('time-in-session')).toContainText(/Session: \d:\d\d of 2:00:00/);

	expect(errors).toEqual([]);
	await closeAll([context]);
});
