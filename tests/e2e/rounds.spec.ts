import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, admit, attr, closeAll, createGroup, joinAs, participant, type Person } from './fixtures';

/**
 * A check-in round across five browsers: a leader starts it with a member, everyone's screen
 * names the same speaker at each step, only the speaker (or a leader) moves it on, one person
 * passes, and the round ends by itself after the last speaker.
 */

/** Every screen names this speaker on the round's list (empty once the round is over) and marks them in the roster. */
async function allSee(people: Person[], speaker: string): Promise<void> {
	for (const p of people) {
		await expect(p.page.getByTestId('round'), `${p.name}'s screen`).toHaveAttribute('data-speaker', speaker);
		if (speaker) await expect(participant(p.page, speaker), `${p.name}'s roster`).toHaveAttribute('data-round', 'speaking');
	}
}

async function expectPanelAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).include('[data-testid="round-panel"]').analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations in the round panel on ${screen}`
	).toEqual([]);
}

test('a check-in round with a pass: one speaker on every screen, moved on only by the speaker or a leader', async ({ browser }) => {
	const { links, context: creator } = await createGroup(browser, 'Round Group');
	const lena = await joinAs(browser, links.leader, 'Lena');
	const carl = await joinAs(browser, links.coLeader, 'Carl');
	const ada = await joinAs(browser, links.member, 'Ada');
	const bo = await joinAs(browser, links.member, 'Bo');
	// Cai reads the room in German.
	const cai = await joinAs(browser, links.member, 'Cai', { locale: 'de-DE' });
	const everyone = [lena, carl, ada, bo, cai];
	// Carl, the co-leader, arrived after Lena: announced at her door and let in like the members (issue 15).
	for (const name of ['Carl', 'Ada', 'Bo', 'Cai']) await admit(lena.page, name);
	for (const p of everyone) await expect(p.page.locator('[data-testid="participant"]')).toHaveCount(5);
	await lena.page.getByTestId('next-phase').click();
	for (const p of everyone) await expect(p.page.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');

	// Only leaders start a round; nobody sees one before.
	await expect(ada.page.getByTestId('start-round')).toHaveCount(0);
	await expect(ada.page.getByTestId('round')).toHaveCount(0);
	const shots = process.env.SHOTS_DIR;
	if (shots) {
		mkdirSync(shots, { recursive: true });
		await lena.page.setViewportSize({ width: 1366, height: 768 });
		await lena.page.evaluate(() => window.scrollTo(0, 0));
		await lena.page.screenshot({ path: join(shots, 'round-idle-leader-1366x768.png') });
	}
	await lena.page.getByTestId('round-start-with').selectOption({ label: 'Ada' });
	await lena.page.getByTestId('start-round').click();
	await allSee(everyone, 'Ada');
	// Round from Ada in the order people came in: the members, then the leaders.
	await expect(bo.page.getByTestId('round-entry')).toHaveText([/^Ada/, /^Bo/, /^Cai/, /^Lena/, /^Carl/]);
	await expect(participant(cai.page, 'Bo')).toHaveAttribute('data-round', 'next');
	await expect(ada.page.getByTestId('round-your-turn')).toBeVisible();
	// Screen readers hear who speaks, politely.
	await expect(bo.page.getByTestId('round-announcer')).toHaveAttribute('aria-live', 'polite');
	await expect(bo.page.getByTestId('round-announcer')).toHaveText('Now speaking: Ada');
	await expect(cai.page.getByTestId('round-announcer')).toHaveText('Jetzt spricht: Ada');
	// Bo is not speaking: no way to move the round for him.
	await expect(bo.page.getByTestId('round-next')).toHaveCount(0);
	await expect(bo.page.getByTestId('round-pass')).toHaveCount(0);
	await expect(bo.page.getByTestId('end-round')).toHaveCount(0);
	await expect(carl.page.getByTestId('round-next')).toBeVisible();

	await expectPanelAccessible(ada.page, 'the speaker’s screen');
	await expectPanelAccessible(lena.page, 'the leader’s screen');
	await expectPanelAccessible(cai.page, 'a German member’s screen');
	if (shots) {
		await lena.page.screenshot({ path: join(shots, 'round-leader-1366x768.png') });
		await lena.page.screenshot({ path: join(shots, 'round-leader-1366x768-full.png'), fullPage: true });
		await ada.page.setViewportSize({ width: 390, height: 844 });
		await ada.page.getByTestId('round-panel').scrollIntoViewIfNeeded();
		await ada.page.screenshot({ path: join(shots, 'round-speaker-390x844.png') });
		await ada.page.screenshot({ path: join(shots, 'round-speaker-390x844-full.png'), fullPage: true });
	}

	await ada.page.getByTestId('round-next').click();
	await allSee(everyone, 'Bo');
	await expect(lena.page.getByTestId('round-announcer')).toHaveText('Now speaking: Bo');
	await expect(cai.page.getByTestId('round-announcer')).toHaveText('Jetzt spricht: Bo');
	await expect(ada.page.getByTestId('round-next')).toHaveCount(0);
	// Bo passes: the turn moves on, and every screen shows him as passed.
	await bo.page.getByTestId('round-pass').click();
	await allSee(everyone, 'Cai');
	for (const p of everyone) await expect(p.page.locator(`[data-testid="round-entry"]${attr('data-name', 'Bo')}`)).toHaveAttribute('data-round', 'passed');
	await expect(participant(lena.page, 'Ada')).toHaveAttribute('data-round', 'spoken');
	// Lena lets Carl go before her: the new order reaches every screen.
	await lena.page.getByRole('button', { name: 'Move down (Lena)' }).click();
	await expect(ada.page.getByTestId('round-entry')).toHaveText([/^Ada/, /^Bo/, /^Cai/, /^Carl/, /^Lena/]);
	// A leader moves Cai's turn on for her.
	await carl.page.getByTestId('round-next').click();
	await allSee(everyone, 'Carl');
	await carl.page.getByTestId('round-next').click();
	await allSee(everyone, 'Lena');
	await lena.page.getByTestId('round-next').click();

	// After the last speaker the round ends by itself, calmly, on every screen.
	await allSee(everyone, '');
	for (const p of everyone) {
		await expect(p.page.getByTestId('round-complete')).toHaveText(
			p === cai ? 'Die Runde ist vollständig. Danke an alle.' : 'The round is complete. Thank you, everyone.'
		);
		await expect(p.page.getByTestId('round-next')).toHaveCount(0);
	}
	await expect(participant(ada.page, 'Ada')).toHaveAttribute('data-round', '');
	if (shots) await bo.page.screenshot({ path: join(shots, 'round-complete-member.png'), fullPage: true });
	// A leader closes it.
	await lena.page.getByTestId('end-round').click();
	for (const p of everyone) await expect(p.page.getByTestId('round')).toHaveCount(0);

	for (const p of everyone) expect(p.errors, p.name).toEqual([]);
	await closeAll([...everyone, creator]);
});
