import { expect, test } from '@playwright/test';

test('a leader creates a group and a member is admitted', async ({ browser }) => {
	const base = process.env.E2E_BASE_URL!;
	const leaderCtx = await browser.newContext();
	const leader = await leaderCtx.newPage();
	await leader.goto(base + '/');
	await leader.getByTestId('group-name').fill('Smoke group');
	await leader.getByTestId('create-group').click();
	const leaderUrl = await leader.getByTestId('link-leader').getAttribute('data-url');
	const memberUrl = await leader.getByTestId('link-member').getAttribute('data-url');
	await leader.goto(leaderUrl!);
	await leader.getByTestId('display-name').fill('Lea');
	await leader.getByTestId('accept-ground-rules').check();
	await leader.getByTestId('join').click();
	await expect(leader.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');

	const memberCtx = await browser.newContext();
	const member = await memberCtx.newPage();
	await member.goto(memberUrl!);
	await member.getByTestId('display-name').fill('Max');
	await member.getByTestId('accept-ground-rules').check();
	await member.getByTestId('join').click();
	await expect(member.getByTestId('lobby-waiting')).toBeVisible();
	await leader.locator('[data-testid="waiting"][data-name="Max"] [data-testid="admit"]').click();
	await expect(member.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await leader.getByTestId('next-phase').click();
	await expect(member.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');
	await leader.screenshot({ path: 'test-results/leader.png', fullPage: true });
	await member.screenshot({ path: 'test-results/member.png', fullPage: true });
	for (const context of [leaderCtx, memberCtx]) await context.close();
});
