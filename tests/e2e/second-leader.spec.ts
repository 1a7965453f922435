import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { admit, attr, baseUrl, closeAll, expect, expectNoLeaderControls, joinAs, joinOnPage, participant, test } from './fixtures';

/**
 * Issue 15 in real browsers: a co-leader link opened while the leader is in the room is announced
 * at the top of the leader's cockpit, hard to miss; Refuse sends them to a page that says so;
 * opened again, they are let in; then the leader removes them. Members never see any of it.
 */
const SHOTS = '/tmp/shots-second-leader';
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const arriving = (page: Page, name: string) => page.locator(`[data-testid="leader-arriving"]${attr('data-name', name)}`);

async function expectAccessible(page: Page, what: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations: ${what}`
	).toEqual([]);
}

test('a second leader is announced and may be refused; let in, the leader may remove them; members never see it', async ({ browser, request }) => {
	test.setTimeout(120_000);
	mkdirSync(SHOTS, { recursive: true });
	const created = await request.post(`${baseUrl()}/api/groups`, { data: { name: 'Door Group' } });
	const { links } = (await created.json()) as { links: Record<'leader' | 'coLeader' | 'member', string> };

	const lena = await joinAs(browser, links.leader, 'Lena Leader', { viewport: LAPTOP });
	await expect(lena.page.getByTestId('leader-panel')).toBeVisible();
	const mira = await joinAs(browser, links.member, 'Mira Member', { viewport: PHONE });
	await admit(lena.page, 'Mira Member');
	await expect(participant(mira.page, 'Lena Leader')).toBeVisible();

	// The co-leader link, opened in another browser: it waits, and says why.
	const carl = await joinAs(browser, links.coLeader, 'Carl Co', { viewport: PHONE });
	await expect(carl.page.getByTestId('lobby-waiting')).toBeVisible();
	await expect(carl.page.getByTestId('lobby-text')).toHaveText('Another leader is in the room and will let you in.');
	await carl.page.screenshot({ path: `${SHOTS}/co-leader-waiting-phone.png` });

	// On the leader's screen: the announcement at the top of the cockpit, in words, and read out.
	const announcement = arriving(lena.page, 'Carl Co');
	await expect(announcement).toContainText('A second leader is entering: Carl Co (Co-leader)');
	await expect(announcement.getByTestId('admit')).toBeVisible();
	await expect(announcement.getByTestId('refuse-leader')).toBeVisible();
	await expect(lena.page.locator('[aria-live="assertive"]', { hasText: 'A second leader is entering: Carl Co' })).toHaveCount(1);
	// Above the timers and the waiting list, in view without scrolling.
	const [top, timers] = await Promise.all([announcement.boundingBox(), lena.page.getByTestId('leader-panel').getByTestId('timers').boundingBox()]);
	expect(top!.y).toBeLessThan(timers!.y);
	expect(top!.y + top!.height).toBeLessThan(LAPTOP.height);
	// Not in the list of who waits: a leader is looked at alone, never swept in with "admit all".
	await expect(lena.page.getByTestId('waiting')).toHaveCount(0);
	await lena.page.screenshot({ path: `${SHOTS}/leader-announcement-1366x768.png` });
	await expectAccessible(lena.page, 'the leader’s room with a second leader announced');
	await lena.page.setViewportSize(PHONE);
	await expect(announcement.getByTestId('refuse-leader')).toBeInViewport();
	await lena.page.screenshot({ path: `${SHOTS}/leader-announcement-390x844.png` });
	await lena.page.setViewportSize(LAPTOP);

	// Members see nothing of it.
	await expectNoLeaderControls([mira]);
	await expect(mira.page.locator('body')).not.toContainText('second leader');

	// Refused: the co-leader's page says so, plainly.
	await announcement.getByTestId('refuse-leader').click();
	await expect(carl.page.getByTestId('declined')).toBeVisible();
	await expect(carl.page.getByTestId('declined')).toContainText('A leader already in the room did not let you in with this leader link.');
	await expect(announcement).toHaveCount(0);
	await carl.page.screenshot({ path: `${SHOTS}/co-leader-refused-phone.png` });

	// Opened again and let in: now a co-leader in the room.
	await carl.page.goto('about:blank');
	await joinOnPage(carl.page, links.coLeader, 'Carl Co');
	await expect(announcement).toBeVisible();
	await announcement.getByTestId('admit').click();
	await expect(carl.page.getByTestId('leader-panel')).toBeVisible();
	await expect(participant(mira.page, 'Carl Co')).toHaveAttribute('data-role', 'co-leader');
	// The co-leader may remove a member, never the leader: no menu under her face.
	await expect(participant(carl.page, 'Mira Member').getByTestId('person-menu')).toHaveCount(1);
	await expect(participant(carl.page, 'Lena Leader').getByTestId('person-menu')).toHaveCount(0);
	await expect(participant(lena.page, 'Lena Leader').getByTestId('person-menu')).toHaveCount(0);

	// The leader removes the co-leader, asked first, like a member.
	const carlOnLena = participant(lena.page, 'Carl Co');
	await carlOnLena.getByTestId('person-menu').click();
	await carlOnLena.getByTestId('remove').click();
	await lena.page.screenshot({ path: `${SHOTS}/leader-removes-co-leader-1366x768.png` });
	await carlOnLena.getByTestId('confirm-remove').click();
	await expect(carl.page.getByTestId('removed')).toBeVisible();
	await expect(participant(lena.page, 'Carl Co')).toHaveCount(0);
	await expect(participant(mira.page, 'Carl Co')).toHaveCount(0);
	await expectNoLeaderControls([mira]);
	for (const p of [lena, mira, carl]) expect(p.errors).toEqual([]);
	await closeAll([lena, mira, carl]);
});
