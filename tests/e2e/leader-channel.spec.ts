import { copyFileSync, mkdirSync } from 'node:fs';
import { expect, test, admit, closeAll, createGroup, joinAs } from './fixtures';
import { expectAccessibleIn, joinListening } from './leaders-only';

/**
 * The leaders' channel: the leader and the co-leader write to each other and both screens show
 * it, while every frame the server relayed (on both leaders' sockets and a member's) holds
 * ciphertext only. A member has no channel; a leader link without the key says it is not
 * available; the end wipes it.
 */
const SHOTS = '/tmp/shots-caseleaders';
const FIRST = 'Shall we move to return? Anna looks tired.';
const SECOND = 'Yes, in two minutes. Bo still holds back.';

test('leaders write to each other; the server relays only ciphertext, and members never see the channel', async ({ browser }) => {
	const { links, context: creator } = await createGroup(browser, 'Leaders Channel Group');
	await creator.close();
	expect(new URL(links.leader).hash).toMatch(/[#&]l=[A-Za-z0-9_-]{22}/);
	expect(new URL(links.member).hash).not.toContain('l=');
	const leader = await joinListening(browser, links.leader, 'Lena Leader');
	// In the room before the co-leader comes: only then is the co-leader held at her door.
	await expect(leader.page.getByTestId('phase')).toBeVisible();
	const co = await joinListening(browser, links.coLeader, 'Carl Co');
	// Arriving after the leader, the co-leader is announced at her door and let in (issue 15).
	await admit(leader.page, 'Carl Co');
	await expect(co.page.getByTestId('room')).toBeVisible();
	const member = await joinListening(browser, links.member, 'Mira Member');
	await admit(leader.page, 'Mira Member');
	await expect(member.page.getByTestId('room')).toBeVisible();

	for (const p of [leader, co]) await expect(p.page.getByTestId('leader-channel')).toHaveAttribute('data-available', 'true');
	await expect(member.page.getByTestId('leader-channel')).toHaveCount(0);
	await expect(member.page.getByTestId('leader-message-input')).toHaveCount(0);

	await leader.page.getByTestId('leader-message-input').fill(FIRST);
	await leader.page.getByTestId('leader-message-send').click();
	await expect(leader.page.getByTestId('leader-message-input')).toHaveValue('');
	await expect(co.page.getByTestId('leader-message')).toHaveCount(1);
	await expect(co.page.getByTestId('leader-message').first()).toContainText('Lena Leader');
	await expect(co.page.getByTestId('leader-message').first()).toContainText(FIRST);
	await co.page.getByTestId('leader-message-input').fill(SECOND);
	await co.page.getByTestId('leader-message-input').press('Enter');
	for (const p of [leader, co]) {
		const messages = p.page.getByTestId('leader-message');
		await expect(messages).toHaveCount(2);
		await expect(messages.nth(0)).toContainText(FIRST);
		await expect(messages.nth(1)).toContainText(SECOND);
		// Each with a time on the reader's clock.
		await expect(messages.nth(1).locator('time')).toHaveText(/\d{1,2}[:.]\d{2}/);
	}
	await expect(leader.page.getByTestId('leader-message').nth(1)).toContainText('Carl Co');
	// Announced politely, not read over whatever the leader is doing.
	await expect(leader.page.locator('[data-testid="leader-channel"] [role="log"]')).toHaveAttribute('aria-live', 'polite');

	// Every frame the server sent: the plaintext is in none, and a relay reached the leaders only.
	for (const p of [leader, co, member]) {
		for (const frame of p.frames) {
			for (const words of [FIRST, SECOND, 'Shall we move', 'two minutes']) expect(frame, `a frame on ${p.name}'s socket`).not.toContain(words);
		}
	}
	const relayed = (p: typeof leader) => p.frames.filter((f) => f.includes('"leader-message"'));
	expect(relayed(co)).toHaveLength(1);
	expect(relayed(leader)).toHaveLength(1);
	expect(relayed(member)).toEqual([]);
	await expect(member.page.locator('body')).not.toContainText('Shall we move');

	await expectAccessibleIn(leader.page, '[data-testid="leader-channel"]', "the leader's channel");
	// …and in German, every word translated.
	await leader.page.locator('#language-top').selectOption('de');
	await expect(leader.page.getByTestId('leader-channel')).toContainText('Leitungskanal');
	await expect(leader.page.getByTestId('leader-message-send')).toHaveText('Senden');
	await expectAccessibleIn(leader.page, '[data-testid="leader-channel"]', "the leader's channel in German");
	await leader.page.locator('#language-top').selectOption('en');
	mkdirSync(SHOTS, { recursive: true });
	for (const [width, height] of [
		[1366, 768],
		[390, 844]
	] as const) {
		await co.page.setViewportSize({ width, height });
		await co.page.getByTestId('leader-channel').scrollIntoViewIfNeeded();
		const file = test.info().outputPath(`leader-channel-${width}x${height}.png`);
		await co.page.screenshot({ path: file });
		copyFileSync(file, `${SHOTS}/leader-channel-${width}x${height}.png`);
	}

	// A leader link without the leaders' key: the channel says it is not available with it.
	const keyless = await joinAs(browser, links.coLeader.replace(/&l=[^&]*/, ''), 'Kim Keyless');
	await admit(leader.page, 'Kim Keyless');
	await expect(keyless.page.getByTestId('leader-channel')).toHaveAttribute('data-available', 'false');
	await expect(keyless.page.getByTestId('leader-channel')).toContainText('not available with this link');
	await expect(keyless.page.getByTestId('leader-message-input')).toHaveCount(0);
	await expectAccessibleIn(keyless.page, '[data-testid="leader-channel"]', 'the channel without a key');

	// The end wipes it: nothing of the messages stays on any screen.
	await leader.page.getByTestId('end-session').click();
	await leader.page.getByTestId('confirm-end-session').click();
	for (const p of [leader, co, member]) {
		await expect(p.page.getByTestId('session-ended')).toBeVisible();
		await expect(p.page.locator('body')).not.toContainText('two minutes');
	}

	for (const p of [leader, co, member, keyless]) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll([leader, co, member, keyless]);
});
