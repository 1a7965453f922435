import { copyFileSync, mkdirSync } from 'node:fs';
import { expect, test, admit, closeAll, createGroup, joinAs, participant, attr } from './fixtures';
import { controlMessages, expectAccessibleIn, joinListening } from './leaders-only';

/**
 * The case call: two members say "I have a case", the leader sees both in order and makes one
 * presenter with one click. A third member's page, and every frame its socket received, never
 * hold anything of the others' offers; an offering member's frames hold only their own.
 */
const SHOTS = '/tmp/shots-caseleaders';

test('members offer a case; only the leaders see who offered, and one click makes the presenter', async ({ browser }) => {
	const { links, context: creator } = await createGroup(browser, 'Case Call Group');
	await creator.close();
	const leader = await joinAs(browser, links.leader, 'Lena Leader');
	await expect(leader.page.getByTestId('leader-panel')).toBeVisible();
	const anna = await joinListening(browser, links.member, 'Anna Andersson');
	const bo = await joinListening(browser, links.member, 'Bo Bengtsson');
	const cleo = await joinListening(browser, links.member, 'Cleo Carlsson');
	for (const name of ['Anna Andersson', 'Bo Bengtsson', 'Cleo Carlsson']) await admit(leader.page, name);
	for (const p of [anna, bo, cleo]) await expect(p.page.getByTestId('room')).toBeVisible();

	// Outside the case call there is no toggle and no list.
	await expect(anna.page.getByTestId('have-case')).toHaveCount(0);
	await expect(leader.page.getByTestId('case-offers')).toHaveCount(0);
	await leader.page.locator('[data-testid="set-phase"][data-phase="case-call"]').click();
	for (const p of [anna, bo, cleo]) await expect(p.page.getByTestId('have-case')).toHaveAttribute('aria-pressed', 'false');
	await expect(leader.page.getByTestId('case-offers')).toContainText('Nobody has offered a case yet.');

	await bo.page.getByTestId('have-case').click();
	await expect(bo.page.getByTestId('have-case')).toHaveAttribute('aria-pressed', 'true');
	await expect(leader.page.getByTestId('case-offer')).toHaveCount(1);
	await anna.page.getByTestId('have-case').click();
	await expect(anna.page.getByTestId('have-case')).toHaveAttribute('aria-pressed', 'true');
	const offers = leader.page.getByTestId('case-offer');
	await expect(offers).toHaveCount(2);
	await expect(offers.nth(0)).toHaveAttribute('data-name', 'Bo Bengtsson');
	await expect(offers.nth(1)).toHaveAttribute('data-name', 'Anna Andersson');
	await expect(anna.page.getByTestId('have-case-note')).toContainText('Only the leaders see it');

	await expectAccessibleIn(leader.page, '[data-testid="case-offers"]', "the leader's case offers");
	await expectAccessibleIn(anna.page, '[data-testid="room"]', "a member's room with the case toggle on");
	// …and in Swedish, every word translated.
	await leader.page.locator('#language-top').selectOption('sv');
	await expect(leader.page.getByTestId('case-offers')).toContainText('Erbjudna fall (2)');
	await expectAccessibleIn(leader.page, '[data-testid="case-offers"]', "the leader's case offers in Swedish");
	await leader.page.locator('#language-top').selectOption('en');
	await anna.page.locator('#language-top').selectOption('de');
	await expect(anna.page.getByTestId('have-case')).toHaveText('Ich habe einen Fall');
	await expectAccessibleIn(anna.page, '[data-testid="room"]', "a member's room with the case toggle on, in German");
	await anna.page.locator('#language-top').selectOption('en');
	mkdirSync(SHOTS, { recursive: true });
	for (const [width, height] of [
		[1366, 768],
		[390, 844]
	] as const) {
		for (const [who, page] of [
			['leader', leader.page],
			['member', anna.page]
		] as const) {
			await page.setViewportSize({ width, height });
			const target = leader.page === page ? page.getByTestId('case-offers') : page.getByTestId('have-case');
			await target.scrollIntoViewIfNeeded();
			const file = test.info().outputPath(`case-call-${who}-${width}x${height}.png`);
			await page.screenshot({ path: file });
			copyFileSync(file, `${SHOTS}/case-call-${who}-${width}x${height}.png`);
		}
	}

	// Nobody but the leaders has the list: not on the members' screens, not in anything their sockets received.
	for (const p of [anna, bo, cleo]) {
		await expect(p.page.getByTestId('case-offer')).toHaveCount(0);
		await expect(p.page.getByTestId('case-offers')).toHaveCount(0);
	}
	await expect(cleo.page.getByTestId('have-case')).toHaveAttribute('aria-pressed', 'false');
	await expect(cleo.page.locator('body')).not.toContainText('Case offers');
	expect(cleo.frames.length, "Cleo's socket received frames").toBeGreaterThan(3);
	for (const frame of cleo.frames) expect(frame, "a frame on Cleo's socket").not.toMatch(/offer/i);
	for (const [p, other] of [
		[anna, 'Bo Bengtsson'],
		[bo, 'Anna Andersson']
	] as const) {
		const own = controlMessages(p).filter((m) => /offer/i.test(JSON.stringify(m)));
		expect(own.length, `${p.name} heard back about their own offer`).toBeGreaterThan(0);
		for (const m of own) {
			expect(m.type, `${p.name}: only their own offer`).toBe('my-case-offer');
			expect(JSON.stringify(m)).not.toContain(other);
		}
	}

	// One click on Bo's offer makes him the presenter: his offer is taken up (his toggle goes),
	// Anna's stands for a second case; the next phase clears the list.
	await leader.page.locator(`[data-testid="case-offer"]${attr('data-name', 'Bo Bengtsson')} [data-testid="make-presenter"]`).click();
	for (const p of [leader, anna, bo, cleo]) await expect(participant(p.page, 'Bo Bengtsson')).toHaveAttribute('data-presenter', 'true');
	await expect(leader.page.getByTestId('case-offer')).toHaveCount(1);
	await expect(leader.page.locator(`[data-testid="case-offer"]${attr('data-name', 'Anna Andersson')}`)).toHaveCount(1);
	await expect(bo.page.getByTestId('have-case')).toHaveCount(0);
	await expect(anna.page.getByTestId('have-case')).toHaveAttribute('aria-pressed', 'true');
	await leader.page.getByTestId('next-phase').click();
	await expect(leader.page.getByTestId('case-offer')).toHaveCount(0);
	await expect(anna.page.getByTestId('have-case')).toHaveCount(0);
	for (const frame of cleo.frames) expect(frame).not.toMatch(/offer/i);

	for (const p of [leader, anna, bo, cleo]) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll([leader, anna, bo, cleo]);
});
