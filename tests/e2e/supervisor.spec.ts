import { copyFileSync, mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, admit, attr, closeAll, createGroup, expectNoLeaderControls, participant, waitingEntry } from './fixtures';
import { expectAccessibleIn, joinListening, type Listening } from './leaders-only';

/**
 * The supervised leader: a leader in training, a supervisor and two members. The supervisor's
 * link carries the leaders' key; they wait in the lobby and the leader admits them (named as
 * supervisor), every screen marks them as supervisor, they steer nothing, and they read and
 * write the leaders' channel with the leader, while every frame the members' pages receive is
 * searched for it and holds none.
 */
const SHOTS = '/tmp/shots-supervisor';
const FROM_SUPERVISOR = 'Wait a little: nobody has spoken for the patient yet.';
const FROM_LEADER = 'Thank you. I will ask about the patient now.';

async function shoot(page: Page, name: string): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	const file = test.info().outputPath(`${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	copyFileSync(file, `${SHOTS}/${name}.png`);
}

test('a supervisor is admitted, marked as supervisor everywhere, and writes with the leader in a channel the members never receive', async ({ browser }) => {
	const { links, page: linksPage, context: creator } = await createGroup(browser, 'Supervised Group');
	// The links page gives the fifth link, with the leaders' key, and says who it is for.
	const card = linksPage.getByTestId('link-supervisor');
	await expect(card).toContainText('Supervisor');
	await expect(linksPage.getByTestId('link-supervisor-about')).toContainText('supervises the leader in training');
	const keyOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('l');
	expect(keyOf(links.supervisor)).toMatch(/^[A-Za-z0-9_-]{22}$/);
	expect(keyOf(links.supervisor)).toBe(keyOf(links.leader));
	expect(keyOf(links.member)).toBeNull();
	await expectAccessibleIn(linksPage, '[data-testid="link-supervisor"]', "the supervisor link's card");
	await linksPage.setViewportSize({ width: 1366, height: 768 });
	await shoot(linksPage, 'links-page-1366x768');
	await linksPage.emulateMedia({ media: 'print' });
	await expect(card).toBeVisible();
	await expect(linksPage.getByTestId('link-supervisor-about')).toBeVisible();
	await shoot(linksPage, 'links-printed');
	await creator.close();

	const leader = await joinListening(browser, links.leader, 'Lena Leader');
	const anna = await joinListening(browser, links.member, 'Anna Member');
	const bo = await joinListening(browser, links.member, 'Bo Member');
	const sam = await joinListening(browser, links.supervisor, 'Sam Supervisor');
	const members = [anna, bo];
	const everyone = [leader, anna, bo, sam];

	// Waiting like an observer, and named as supervisor in the leader's waiting list.
	await expect(sam.page.getByTestId('lobby-waiting')).toBeVisible();
	await expect(waitingEntry(leader.page, 'Sam Supervisor')).toHaveAttribute('data-role', 'supervisor');
	await expect(waitingEntry(leader.page, 'Sam Supervisor')).toContainText('Supervisor');
	for (const name of ['Anna Member', 'Bo Member', 'Sam Supervisor']) await admit(leader.page, name);
	for (const p of everyone) await expect(p.page.getByTestId('room')).toBeVisible();
	for (const p of everyone) await expect(p.page.getByTestId('participant')).toHaveCount(4);

	// Marked as supervisor on every screen: the role in the entry, the word and the eye on the face.
	for (const p of everyone) {
		const entry = participant(p.page, 'Sam Supervisor');
		await expect(entry).toHaveAttribute('data-role', 'supervisor');
		await expect(entry.getByTestId('tile-role')).toHaveText('Supervisor');
		await expect(entry.locator('[data-icon="eye"]')).toHaveCount(1);
		await expect(participant(p.page, 'Anna Member').locator('[data-icon="eye"]')).toHaveCount(0);
	}

	// The supervisor steers nothing and raises no hand, and the page says what they are here for.
	for (const id of [
		'leader-panel',
		'next-phase',
		'set-phase',
		'make-presenter',
		'end-session',
		'admit',
		'person-menu',
		'raise-hand',
		'have-case',
		'start-round'
	])
		await expect(sam.page.getByTestId(id), `${id} on the supervisor's screen`).toHaveCount(0);
	await expect(sam.page.getByTestId('supervisor-note')).toContainText('the group neither sees nor hears you');
	await expect(sam.page.getByTestId('observer-note')).toHaveCount(0);

	// The leaders' channel: the supervisor has it, with the key from their link; members do not.
	await expect(sam.page.getByTestId('leader-channel')).toHaveAttribute('data-available', 'true');
	await expect(leader.page.getByTestId('leader-channel')).toHaveAttribute('data-available', 'true');
	await expect(sam.page.getByLabel('Message to the leaders', { exact: true })).toBeVisible();
	await expectNoLeaderControls(members.map((p) => p.page));

	await sam.page.getByTestId('leader-message-input').fill(FROM_SUPERVISOR);
	await sam.page.getByTestId('leader-message-send').click();
	await expect(sam.page.getByTestId('leader-message-input')).toHaveValue('');
	await expect(leader.page.getByTestId('leader-message')).toHaveCount(1);
	await expect(leader.page.getByTestId('leader-message').first()).toContainText('Sam Supervisor');
	await expect(leader.page.getByTestId('leader-message').first()).toContainText(FROM_SUPERVISOR);
	await leader.page.getByTestId('leader-message-input').fill(FROM_LEADER);
	await leader.page.getByTestId('leader-message-input').press('Enter');
	for (const p of [leader, sam]) {
		const messages = p.page.getByTestId('leader-message');
		await expect(messages).toHaveCount(2);
		await expect(messages.nth(0)).toContainText(FROM_SUPERVISOR);
		await expect(messages.nth(1)).toContainText(FROM_LEADER);
	}
	await expect(sam.page.getByTestId('leader-message').nth(1)).toContainText('Lena Leader');

	// A leader's step reaches the supervisor's screen like everyone's.
	await leader.page.getByTestId('next-phase').click();
	for (const p of everyone) await expect(p.page.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');

	// Every frame the members' pages received: no relay, no ciphertext, no words of it.
	const relayed = (p: Listening) => p.frames.filter((f) => f.includes('"leader-message"'));
	expect(relayed(leader)).toHaveLength(1);
	expect(relayed(sam)).toHaveLength(1);
	const ciphertexts = [...relayed(leader), ...relayed(sam)].map((f) => (JSON.parse(f) as { ciphertext: string }).ciphertext);
	for (const p of members) {
		expect(p.frames.length, `${p.name} received frames`).toBeGreaterThan(0);
		expect(relayed(p), `a relay on ${p.name}'s socket`).toEqual([]);
		for (const frame of p.frames) {
			for (const c of ciphertexts) expect(frame).not.toContain(c.slice(0, 40));
			for (const words of [FROM_SUPERVISOR, FROM_LEADER, 'spoken for the patient']) expect(frame).not.toContain(words);
		}
		await expect(p.page.locator('body')).not.toContainText('spoken for the patient');
	}
	// And the plaintext crossed no socket at all, the supervisor's and the leader's included.
	for (const p of everyone) for (const frame of p.frames) expect(frame, `a frame on ${p.name}'s socket`).not.toContain(FROM_SUPERVISOR);

	await expectAccessibleIn(sam.page, '[data-testid="supervisor-panel"]', "the supervisor's panel");
	await expectAccessibleIn(leader.page, `[data-testid="participant"]${attr('data-name', 'Sam Supervisor')}`, "the supervisor's face");
	// …in German too, every word translated.
	await sam.page.locator('#language-top').selectOption('de');
	await expect(sam.page.getByTestId('supervisor-panel')).toContainText('Supervision');
	await expect(sam.page.getByTestId('supervisor-note')).toContainText('Leitungskanal');
	await expect(participant(sam.page, 'Sam Supervisor').getByTestId('tile-role')).toHaveText('Supervisor/in');
	await expectAccessibleIn(sam.page, '[data-testid="supervisor-panel"]', "the supervisor's panel in German");
	await sam.page.locator('#language-top').selectOption('en');

	for (const [width, height] of [
		[1366, 768],
		[390, 844]
	] as const) {
		for (const [p, who] of [
			[sam, 'supervisor'],
			[leader, 'leader'],
			[anna, 'member']
		] as const) {
			await p.page.setViewportSize({ width, height });
			await shoot(p.page, `${who}-${width}x${height}`);
		}
	}

	// The end wipes the channel from the supervisor's screen too.
	await leader.page.getByTestId('end-session').click();
	await leader.page.getByTestId('confirm-end-session').click();
	for (const p of everyone) {
		await expect(p.page.getByTestId('session-ended')).toBeVisible();
		await expect(p.page.locator('body')).not.toContainText('spoken for the patient');
	}
	for (const p of everyone) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll(everyone);
});
