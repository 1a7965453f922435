import { expect, test, admit, closeAll, createGroup, joinAs, joinOnPage, type Person } from './fixtures';

/**
 * The gentle timers: leaders see the time in this phase and in the session against the plan;
 * members see them only when a leader shares them. Times count on the server's clock, so a
 * laptop whose clock is off still shows the right time.
 */
const MINUTE = 60_000;

test('timers are the leaders’ unless shared, and count right on a laptop whose clock is off', async ({ browser }) => {
	const { links, page: leaderPage, context: leaderContext, errors } = await createGroup(browser, 'Clock Group');
	// The leader's laptop runs 25 minutes fast, the member's 40 minutes slow.
	await leaderPage.clock.install({ time: Date.now() + 25 * MINUTE });
	const leader: Person = { name: 'Lena', page: leaderPage, context: leaderContext, errors };
	await joinOnPage(leaderPage, links.leader, 'Lena');
	const memberContext = await browser.newContext();
	const memberPage = await memberContext.newPage();
	await memberPage.clock.install({ time: Date.now() - 40 * MINUTE });
	await joinOnPage(memberPage, links.member, 'Mats');
	const member: Person = { name: 'Mats', page: memberPage, context: memberContext, errors: [] };
	await admit(leaderPage, 'Mats');

	// The session starts with the opening: both screens count from zero (under ten minutes, on
	// even the slowest machine), of 1:30:00, not 25 minutes ahead or 40 behind.
	await leaderPage.getByTestId('next-phase').click();
	await expect(memberPage.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');
	await expect(leaderPage.getByTestId('time-in-session')).toContainText(/Session: \d:\d\d of 1:30:00/);
	await expect(leaderPage.getByTestId('time-in-phase')).toContainText(/In this phase: \d:\d\d/);
	// Members do not see the leaders' timers until a leader shares them.
	await expect(memberPage.getByTestId('timers')).toHaveCount(0);
	await leaderPage.getByTestId('share-timers').check();
	await expect(memberPage.getByTestId('timers')).toBeVisible();
	await expect(memberPage.getByTestId('time-in-session')).toContainText(/Session: \d:\d\d of 1:30:00/);
	await expect(memberPage.getByTestId('share-timers')).toHaveCount(0);
	await leaderPage.getByTestId('share-timers').uncheck();
	await expect(memberPage.getByTestId('timers')).toHaveCount(0);

	expect(errors).toEqual([]);
	await closeAll([leader, member]);
});

test('a member alone never sees timers', async ({ browser }) => {
	const { links, context } = await createGroup(browser, 'Quiet Group');
	const leader = await joinAs(browser, links.leader, 'Lena');
	const member = await joinAs(browser, links.member, 'Mats');
	await admit(leader.page, 'Mats');
	await expect(member.page.getByTestId('phase')).toBeVisible();
	await expect(leader.page.getByTestId('timers')).toBeVisible();
	await expect(member.page.getByTestId('timers')).toHaveCount(0);
	await closeAll([leader, member, context]);
});
