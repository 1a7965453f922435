import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect, test, admit, baseUrl, closeAll, createGroup, joinAs, participant, watchErrors, type Person } from './fixtures';

/**
 * Every screen a person meets, checked with axe: no serious or critical violation on the
 * landing page, the links, the join form, the lobby, the member's and the leader's room (with
 * the panel full: someone waiting, a presenter listening, a hand up) and the end.
 */
async function expectAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	const report = bad
		.map(
			(v) =>
				`- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.failureSummary?.split('\n').join(' ') ?? ''}`).join('\n')}`
		)
		.join('\n');
	expect(
		bad.map((v) => v.id),
		`serious/critical axe violations on ${screen}:\n${report}`
	).toEqual([]);
}

test('every screen has no serious or critical accessibility violation', async ({ browser }) => {
	const people: Person[] = [];
	const landing = await openLanding(browser);
	await expectAccessible(landing.page, 'the landing page');
	await landing.context.close();

	const creator = await createGroup(browser, 'Accessible Group');

	await expectAccessible(creator.page, 'the links page');
	const { links } = creator;
	await creator.context.close();

	const leader = await joinAs(browser, links.leader, 'Lena Leader');
	people.push(leader);
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');

	// The join form, before anything is filled in.
	const joinContext = await browser.newContext();
	const joinPage = await joinContext.newPage();
	await joinPage.goto(links.member);
	await expect(joinPage.getByTestId('display-name')).toBeVisible();
	await expectAccessible(joinPage, 'the join page');
	await joinContext.close();

	const member = await joinAs(browser, links.member, 'Mira Member');
	const presenter = await joinAs(browser, links.member, 'Pavel Presenter');
	const waiting = await joinAs(browser, links.observer, 'Wanda Waiting');
	people.push(member, presenter, waiting);
	await expect(member.page.getByTestId('lobby-waiting')).toBeVisible();
	await expectAccessible(member.page, 'the lobby');

	await admit(leader.page, 'Mira Member');
	await admit(leader.page, 'Pavel Presenter');
	await participant(leader.page, 'Pavel Presenter').getByTestId('make-presenter').click();
	await leader.page.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
	await member.page.getByTestId('raise-hand').click();
	await expect(participant(leader.page, 'Mira Member')).toHaveAttribute('data-hand', 'true');
	await expect(participant(member.page, 'Pavel Presenter')).toHaveAttribute('data-listening', 'true');
	await expect(presenter.page.getByTestId('presenter-note')).toBeVisible();
	await expect(leader.page.getByTestId('waiting')).toHaveCount(1);

	await expectAccessible(member.page, "a member's room");
	await expectAccessible(presenter.page, "the listening presenter's room");
	// The leader's room with everything in it, and the end confirmation open.
	await expect(leader.page.getByTestId('hand')).toHaveCount(1);
	await expectAccessible(leader.page, "the leader's room (someone waiting, a presenter listening, a hand up)");
	await leader.page.getByTestId('end-session').click();
	await expect(leader.page.getByTestId('confirm-end-session')).toBeVisible();
	await expectAccessible(leader.page, "the leader's end confirmation");

	await leader.page.getByTestId('confirm-end-session').click();
	await expect(member.page.getByTestId('session-ended')).toBeVisible();
	await expect(leader.page.getByTestId('session-ended')).toBeVisible();
	await expectAccessible(member.page, 'the ended screen');

	for (const p of people) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll(people);
});

async function openLanding(browser: Browser) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const errors = watchErrors(page);
	await page.goto(baseUrl() + '/');
	await expect(page.getByTestId('create-group')).toBeVisible();
	expect(errors).toEqual([]);
	return { context, page };
}
