import { copyFileSync, mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, admit, closeAll, createGroup, joinAs, participant, watchErrors } from './fixtures';
import { expectAccessibleIn } from './leaders-only';

/**
 * Leader links re-issued from the room (issue 15): the leader replaces the co-leader link, the
 * new link is shown once (gone after closing, never shown again), the old one opens a clear
 * "replaced" page, and the new one brings the co-leader in with the leaders' key, so they read
 * the leaders' channel.
 */
const SHOTS = '/tmp/shots-reissue-leaders';
const params = (url: string) => new URLSearchParams(new URL(url).hash.slice(1));

async function shoot(page: Page, name: string, scrollTo: string): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	await page.getByTestId(scrollTo).scrollIntoViewIfNeeded();
	const file = test.info().outputPath(`${name}.png`);
	await page.screenshot({ path: file });
	copyFileSync(file, `${SHOTS}/${name}.png`);
}

/** Opens the cockpit's links section (folded until a leader opens it or the lobby floods). */
async function openLinks(page: Page): Promise<void> {
	const section = page.getByTestId('replace-links');
	if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
	await expect(page.getByTestId('leader-links')).toBeVisible();
}

test('the leader replaces the co-leader link from the room: shown once, the old link refused, the new one brings the co-leader into the leaders’ channel', async ({
	browser
}) => {
	const { links, context: creator } = await createGroup(browser, 'Reissue Group');
	await creator.close();
	const leader = await joinAs(browser, links.leader, 'Lena Leader', { viewport: { width: 1366, height: 768 } });
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	const carl = await joinAs(browser, links.coLeader, 'Carl Co');
	// A co-leader arriving while the leader is in is announced and let in (second leader).
	await admit(leader.page, 'Carl Co');
	await expect(participant(carl.page, 'Carl Co')).toBeVisible();

	// A co-leader is offered the co-leader and supervisor links, never the leader's.
	await openLinks(carl.page);
	await expect(carl.page.getByTestId('replace-co-leader-link')).toBeVisible();
	await expect(carl.page.getByTestId('replace-supervisor-link')).toBeVisible();
	await expect(carl.page.getByTestId('replace-leader-link')).toHaveCount(0);

	await openLinks(leader.page);
	await expect(leader.page.getByTestId('replace-leader-link')).toBeVisible();
	await leader.page.getByTestId('replace-co-leader-link').click();
	await expect(leader.page.getByRole('alertdialog')).toContainText('The old co-leader link will stop working. Give the new one to your co-leader yourself.');
	await shoot(leader.page, 'confirm-1366x768', 'leader-links');
	await leader.page.getByTestId('confirm-replace-co-leader-link').click();

	const fresh = leader.page.getByTestId('new-leader-link');
	await expect(fresh).toBeVisible();
	await expect(fresh).toHaveAttribute('data-role', 'co-leader');
	await expect(fresh).toHaveAttribute('data-own', 'false');
	await expect(fresh.getByTestId('shown-once')).toContainText('It will not be shown again.');
	await expect(fresh.getByRole('img', { name: /QR code/ })).toBeVisible();
	const newLink = (await fresh.getAttribute('data-url'))!;
	// Completed in the leader's page: the media key and the leaders' key the server never saw, a new token.
	expect(params(newLink).get('k')).toBe(params(links.coLeader).get('k'));
	expect(params(newLink).get('l')).toBe(params(links.coLeader).get('l'));
	expect(params(newLink).get('l')).toMatch(/^[A-Za-z0-9_-]{22}$/);
	expect(params(newLink).get('t')).not.toBe(params(links.coLeader).get('t'));
	await expect(leader.page.getByTestId('leader-links').getByTestId('link-replaced')).toHaveAttribute('data-role', 'co-leader');
	await expectAccessibleIn(leader.page, '[data-testid="leader-links"]', 'the leader links part');
	await shoot(leader.page, 'shown-once-1366x768', 'new-leader-link');
	await leader.page.setViewportSize({ width: 390, height: 844 });
	await fresh.scrollIntoViewIfNeeded();
	await expect(fresh.getByTestId('copy-new-leader-link')).toBeInViewport();
	await shoot(leader.page, 'shown-once-390x844', 'new-leader-link');
	await leader.page.setViewportSize({ width: 1366, height: 768 });

	// Closed, it is gone from the page, and nothing shows it again.
	await leader.page.getByTestId('dismiss-new-leader-link').click();
	await expect(fresh).toHaveCount(0);
	expect(await leader.page.content()).not.toContain(params(newLink).get('t')!);
	await expect(leader.page.getByTestId('show-co-leader-link')).toHaveCount(0);

	// The old link, opened again, says what happened; Carl, in the room with it, stays.
	const old = await browser.newContext();
	const oldPage = await old.newPage();
	const oldErrors = watchErrors(oldPage);
	await oldPage.goto(links.coLeader);
	await expect(oldPage.getByTestId('link-problem')).toContainText('replaced this link');
	await expect(oldPage.getByTestId('display-name')).toHaveCount(0);
	await expect(participant(leader.page, 'Carl Co')).toHaveAttribute('data-connected', 'true');

	// The new link brings the co-leader in (announced, let in), with the leaders' key: they read the channel.
	const cora = await joinAs(browser, newLink, 'Cora Co');
	await admit(leader.page, 'Cora Co');
	await expect(participant(cora.page, 'Cora Co')).toHaveAttribute('data-role', 'co-leader');
	await expect(cora.page.getByTestId('leader-channel')).toHaveAttribute('data-available', 'true');
	await leader.page.getByTestId('leader-message-input').fill('Welcome, Cora.');
	await leader.page.getByTestId('leader-message-send').click();
	await expect(cora.page.getByTestId('leader-message')).toContainText('Welcome, Cora.');

	for (const p of [leader, carl, cora]) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	expect(oldErrors).toEqual([]);
	await closeAll([leader, carl, cora, old]);
});

test('the leader replaces their own link: the page keeps working and says to keep the new link; in German too', async ({ browser }) => {
	const { links, context: creator } = await createGroup(browser, 'Own Link Group');
	await creator.close();
	const leader = await joinAs(browser, links.leader, 'Lena Leader', { viewport: { width: 390, height: 844 } });
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await leader.page.locator('details.more > summary').click();
	await openLinks(leader.page);
	await leader.page.getByTestId('replace-leader-link').click();
	await expect(leader.page.getByRole('alertdialog')).toContainText('You stay in this meeting; keep the new link for the next one.');
	await leader.page.getByTestId('confirm-replace-leader-link').click();
	const fresh = leader.page.getByTestId('new-leader-link');
	await expect(fresh).toHaveAttribute('data-own', 'true');
	await expect(fresh).toContainText('keep the new link for the next one');
	const newLink = (await fresh.getAttribute('data-url'))!;
	expect(params(newLink).get('l')).toBe(params(links.leader).get('l'));
	await shoot(leader.page, 'own-link-390x844', 'new-leader-link');

	// Still the leader of this meeting, with the old link in the address bar: the seat holds.
	await leader.page.getByTestId('next-phase').click();
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');
	await leader.page.locator('#language-top').selectOption('de');
	await expect(leader.page.getByTestId('leader-links')).toContainText('Links der Leitung');
	await expect(fresh).toContainText('Er wird nicht noch einmal gezeigt.');
	await expectAccessibleIn(leader.page, '[data-testid="leader-links"]', 'the leader links part in German');
	await shoot(leader.page, 'own-link-de-390x844', 'new-leader-link');

	// The old leader link opens nothing for anyone else now; the new one does.
	const old = await browser.newContext();
	const oldPage = await old.newPage();
	await oldPage.goto(links.leader);
	await expect(oldPage.getByTestId('link-problem')).toContainText('replaced this link');
	expect(leader.errors).toEqual([]);
	await closeAll([leader, old]);
});
