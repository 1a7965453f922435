import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { socketPerson, type SocketPerson } from '../support/socket-person';
import { admit, baseUrl, closeAll, expect, joinAs, participant, test, waitingEntry, type Person } from './fixtures';

/**
 * The room as a leader steering eight people meets it (issue 13): on a 1366x768 laptop what
 * asks for a reaction (who waits, whose hand is up, the next step) is in view without
 * scrolling; "admit all" lets everyone waiting in at once; on a 390x844 phone "Next" is in
 * reach before the faces. Two people are browsers on each screen size, the others sockets.
 */
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const SHOTS = '/tmp/shots-cockpit';

async function expectAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations on ${screen}`
	).toEqual([]);
}

/** Fully inside the viewport, as the page is now (never scrolled into view by the check itself). */
async function expectOnScreen(page: Page, what: Locator, name: string): Promise<void> {
	const box = await what.boundingBox();
	const { width, height } = page.viewportSize()!;
	expect(box, `${name} is drawn`).not.toBeNull();
	expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0);
	expect(box!.x, `${name} left`).toBeGreaterThanOrEqual(0);
	expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(height);
	expect(box!.x + box!.width, `${name} right`).toBeLessThanOrEqual(width);
}

const scrollTop = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollTop);

test('a leader steering eight people sees who waits, whose hand is up and "Next" without scrolling, on a laptop and a phone', async ({ browser, request }) => {
	mkdirSync(SHOTS, { recursive: true });
	const base = baseUrl();
	const created = await request.post(`${base}/api/groups`, { data: { name: 'Cockpit Group' } });
	const { links } = (await created.json()) as { links: Record<'leader' | 'coLeader' | 'member' | 'observer', string> };

	const leader = await joinAs(browser, links.leader, 'Lena Leader', { viewport: LAPTOP });
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await expect(leader.page.getByTestId('group-name')).toHaveText('Cockpit Group');
	// The co-leader steers from a phone, in German.
	const coLeader = await joinAs(browser, links.coLeader, 'Cole Coleader', { viewport: PHONE, locale: 'de-DE' });
	// Arriving after the leader, the co-leader is announced and let in (issue 15).
	await admit(leader.page, 'Cole Coleader');
	await expect(coLeader.page.getByTestId('leader-panel')).toBeVisible();
	const mira = await joinAs(browser, links.member, 'Mira Member', { viewport: LAPTOP });
	const nils = await joinAs(browser, links.member, 'Nils Nordin', { viewport: PHONE, locale: 'de-DE' });
	const browsers: Person[] = [leader, coLeader, mira, nils];
	const sockets: SocketPerson[] = [];
	for (const name of ['Bo Berg', 'Cai Dahl', 'Dana Ek', 'Eli Falk']) sockets.push(await socketPerson(base, links.member, name));
	const [bo, cai] = sockets as [SocketPerson, SocketPerson];

	// Six wait: one click lets them all in.
	await expect(leader.page.getByTestId('waiting')).toHaveCount(6);
	await expect(leader.page.getByTestId('waiting-count')).toHaveAttribute('data-count', '6');
	await leader.page.getByTestId('admit-all').click();
	await expect(leader.page.getByTestId('participant')).toHaveCount(8);
	await expect(leader.page.getByTestId('waiting-count')).toHaveAttribute('data-count', '0');
	await expect(leader.page.getByTestId('waiting-count')).toHaveText('Nobody waiting');
	await expect(mira.page.getByTestId('participant')).toHaveCount(8);

	// Two hands go up, in order, and two more people arrive (one an observer, in a browser).
	bo.act({ type: 'raise-hand' });
	await expect(leader.page.getByTestId('hands-count')).toHaveText("Bo Berg's hand is up");
	cai.act({ type: 'raise-hand' });
	await expect(leader.page.getByTestId('hands-count')).toHaveAttribute('data-count', '2');
	await expect(leader.page.getByTestId('hands-count')).toHaveText('2 hands up');
	const oda = await joinAs(browser, links.observer, 'Oda Observer', { viewport: LAPTOP });
	browsers.push(oda);
	sockets.push(await socketPerson(base, links.member, 'Finn Gran'));
	await expect(leader.page.getByTestId('waiting-count')).toHaveAttribute('data-count', '2');
	await expect(leader.page.getByTestId('waiting-count')).toHaveText('2 waiting');
	await expect(coLeader.page.getByTestId('waiting-count')).toHaveText('2 Personen warten');
	await expect(coLeader.page.getByTestId('hands-count')).toHaveText('2 Meldungen');
	// The hands are on the faces too, in words.
	await expect(participant(leader.page, 'Bo Berg')).toHaveAttribute('data-hand', 'true');
	await expect(participant(leader.page, 'Bo Berg')).toContainText('Hand up');

	// The laptop at the top of the page (the clicks above may have scrolled it), the cockpit too:
	// all that asks for a reaction in view.
	await leader.page.evaluate(() => {
		window.scrollTo(0, 0);
		document.querySelector('.cockpit-column')?.scrollTo(0, 0);
	});
	expect(await scrollTop(leader.page), 'the leader has not scrolled').toBe(0);
	await expectOnScreen(leader.page, leader.page.getByTestId('waiting-count'), 'waiting count');
	await expectOnScreen(leader.page, leader.page.getByTestId('hands-count'), 'hands count');
	await expectOnScreen(leader.page, leader.page.getByTestId('next-phase'), 'Next');
	await expectOnScreen(leader.page, leader.page.getByTestId('admit-all'), 'Admit all');
	await expectOnScreen(leader.page, leader.page.getByTestId('hand').nth(1), 'the second hand in the queue');
	await expect(leader.page.getByTestId('no-video-notice')).toBeVisible();
	await leader.page.screenshot({ path: `${SHOTS}/leader-laptop.png` });
	await expectAccessible(leader.page, "the leader's room on a laptop (English)");

	// The phone: "Next" and the badges sit in a bar at the bottom, in view before and after
	// scrolling to the last face, and "Next" comes before the faces in the page's order.
	const co = coLeader.page;
	expect(await scrollTop(co)).toBe(0);
	await expectOnScreen(co, co.getByTestId('next-phase'), 'Next on the phone');
	await expectOnScreen(co, co.getByTestId('waiting-count'), 'waiting count on the phone');
	const nextBeforeFaces = await co
		.getByTestId('next-phase')
		.evaluate((next) => !!(next.compareDocumentPosition(document.querySelector('[data-testid="participant"]')!) & Node.DOCUMENT_POSITION_FOLLOWING));
	expect(nextBeforeFaces, '"Next" comes before the roster in tab order').toBe(true);
	await co.screenshot({ path: `${SHOTS}/coleader-phone-de.png` });
	await co.screenshot({ path: `${SHOTS}/coleader-phone-de-full.png`, fullPage: true });
	await co.getByTestId('participant').last().scrollIntoViewIfNeeded();
	await expectOnScreen(co, co.getByTestId('next-phase'), 'Next on the phone, scrolled to the faces');
	await co.screenshot({ path: `${SHOTS}/coleader-phone-de-scrolled.png` });
	await expectAccessible(co, "the co-leader's room on a phone (German)");

	// Admit all lets both in: the observer is told what she may do.
	await leader.page.getByTestId('admit-all').click();
	await expect(leader.page.getByTestId('participant')).toHaveCount(10);
	await expect(leader.page.getByTestId('waiting')).toHaveCount(0);
	await expect(waitingEntry(leader.page, 'Finn Gran')).toHaveCount(0);
	await expect(leader.page.getByTestId('waiting-count')).toHaveAttribute('data-count', '0');
	await expect(oda.page.getByTestId('observer-note')).toContainText('watch and listen');
	await expect(oda.page.getByTestId('group-name')).toHaveText('Cockpit Group');
	await expect(mira.page.getByTestId('observer-note')).toHaveCount(0);

	// The member's screens: faces, the hand button, no leader controls.
	await expect(mira.page.getByTestId('participant')).toHaveCount(10);
	await expect(mira.page.getByTestId('waiting-count')).toHaveCount(0);
	await mira.page.screenshot({ path: `${SHOTS}/member-laptop.png` });
	await nils.page.screenshot({ path: `${SHOTS}/member-phone-de.png`, fullPage: true });
	await oda.page.screenshot({ path: `${SHOTS}/observer-laptop.png` });
	await expectAccessible(mira.page, "a member's room (English)");
	await expectAccessible(nils.page, "a member's room on a phone (German)");

	// Remove is in a per-person menu, not beside every face.
	const finn = participant(leader.page, 'Finn Gran');
	await expect(finn.getByTestId('remove')).toHaveCount(0);
	await finn.getByTestId('person-menu').click();
	await expect(finn.getByTestId('person-menu')).toHaveAttribute('aria-expanded', 'true');
	await leader.page.screenshot({ path: `${SHOTS}/leader-laptop-menu.png` });
	await expectAccessible(leader.page, "the leader's room with a person's menu open");
	await leader.page.keyboard.press('Tab');
	await leader.page.keyboard.press('Escape');
	await expect(finn.getByTestId('person-menu')).toBeFocused();
	await expect(finn.getByTestId('remove')).toHaveCount(0);

	// Reflection: the presenter's face says "Listening" in words on every screen.
	await participant(leader.page, 'Mira Member').getByTestId('make-presenter').click();
	await leader.page.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
	for (const page of [leader.page, co, nils.page]) await expect(participant(page, 'Mira Member')).toHaveAttribute('data-listening', 'true');
	await expect(participant(leader.page, 'Mira Member')).toContainText('Listening');
	await expect(participant(co, 'Mira Member')).toContainText('Hört zu');
	// Mid-case, making someone else presenter takes the case from Mira: it asks first, and "cancel" changes nothing.
	await participant(leader.page, 'Finn Gran').getByTestId('make-presenter').click();
	await expect(participant(leader.page, 'Finn Gran')).toContainText('Mira Member is presenting this case');
	await participant(leader.page, 'Finn Gran').getByRole('button', { name: 'Cancel' }).click();
	await expect(participant(leader.page, 'Finn Gran').getByTestId('confirm-make-presenter')).toHaveCount(0);
	await expect(participant(co, 'Mira Member')).toHaveAttribute('data-presenter', 'true');
	await leader.page.evaluate(() => window.scrollTo(0, 0));
	await leader.page.screenshot({ path: `${SHOTS}/leader-laptop-reflection.png` });
	await mira.page.screenshot({ path: `${SHOTS}/presenter-laptop-reflection.png` });
	await co.screenshot({ path: `${SHOTS}/coleader-phone-de-reflection.png` });
	// Nothing widens a phone's page (a long name in the round's picker once did).
	for (const page of [co, nils.page]) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	// At the closing the main action, where "Next" was, is ending the session.
	await leader.page.locator('[data-testid="set-phase"][data-phase="closing"]').click();
	await expect(leader.page.getByTestId('next-phase')).toHaveCount(0);
	await expect(co.getByTestId('end-session')).toBeInViewport({ ratio: 1 });

	for (const p of browsers) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	for (const s of sockets) s.close();
	await closeAll(browsers);
});
