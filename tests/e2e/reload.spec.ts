import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { startServer } from '../support/server-process';
import { startFakeLiveKit } from '../support/fake-livekit';
import { admit, createGroup, expect, joinAs, joinOnPage, participant, test, waitingEntry, type Person } from './fixtures';

/**
 * A reload keeps your place, and nobody appears twice: members reload in the middle of the
 * reflection (the presenter too) and are back in the room without the join form or the lobby;
 * someone who closed the tab and opens the link again is let in once more and takes over their
 * old entry. The leader's screen shows exactly one entry per person throughout.
 */
const GROUP = 'Thursday Balint Group';
const SHOTS = '/tmp/shots-reload';

/** Marks the page (from its first script on, on every load) if the join form or the lobby ever shows. */
async function watchForDetours(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const w = window as unknown as { __detours: string[] };
		w.__detours = [];
		new MutationObserver(() => {
			for (const id of ['display-name', 'lobby-waiting']) {
				if (document.querySelector(`[data-testid="${id}"]`) && !w.__detours.includes(id)) w.__detours.push(id);
			}
		}).observe(document, { childList: true, subtree: true });
	});
}
/** No serious or critical axe violation on this screen. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(bad, `axe on ${screen}`).toEqual([]);
}
const detours = (page: Page) => page.evaluate(() => (window as unknown as { __detours: string[] }).__detours);

/** On the leader's screen: one entry per person, and as many entries as people. */
async function onePerPerson(leader: Page, names: string[]): Promise<void> {
	for (const name of names) await expect(participant(leader, name), `entries for ${name}`).toHaveCount(1);
	await expect(leader.getByTestId('participant')).toHaveCount(names.length);
}

test('a reload mid-reflection resumes without the lobby; a closed tab readmitted leaves no second entry', async ({ browser }) => {
	const { links } = await createGroup(browser, GROUP);
	const leader = await joinAs(browser, links.leader, 'Lena Leader');
	await expect(leader.page.getByTestId('phase')).toBeVisible();
	const members: Person[] = [];
	for (const name of ['Dana Dahl', 'Bo Berg', 'Cleo Carlsson']) {
		const person = await joinAs(browser, links.member, name);
		// The lobby names the group and the person.
		await expect(person.page.getByTestId('lobby-waiting')).toBeVisible();
		await expect(person.page.getByTestId('group-name')).toHaveText(GROUP);
		await expect(person.page.getByTestId('lobby-person')).toContainText(name);
		members.push(person);
	}
	for (const person of members) {
		await admit(leader.page, person.name);
		await expect(person.page.getByTestId('phase')).toBeVisible();
	}
	const [dana, bo, cleo] = members as [Person, Person, Person];
	const everyone = [leader.name, dana.name, bo.name, cleo.name];
	await leader.page.locator(`[data-testid="participant"][data-name="${dana.name}"] [data-testid="make-presenter"]`).click();
	await leader.page.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
	await expect(dana.page.getByTestId('phase')).toHaveAttribute('data-phase', 'reflection');
	await expect(participant(leader.page, dana.name)).toHaveAttribute('data-listening', 'true');
	await onePerPerson(leader.page, everyone);

	// A member reloads: back in the room, never the form or the lobby on the way.
	await watchForDetours(bo.context);
	await bo.page.reload();
	await expect(bo.page.getByTestId('phase')).toHaveAttribute('data-phase', 'reflection');
	await expect(participant(bo.page, bo.name)).toHaveAttribute('data-connected', 'true');
	expect(await detours(bo.page)).toEqual([]);
	await expect(participant(leader.page, bo.name)).toHaveAttribute('data-connected', 'true');
	await onePerPerson(leader.page, everyone);

	// The presenter reloads in the middle of the reflection: still presenter, still listening.
	await watchForDetours(dana.context);
	await dana.page.reload();
	await expect(dana.page.getByTestId('presenter-note')).toBeVisible();
	expect(await detours(dana.page)).toEqual([]);
	const danaOnLeader = participant(leader.page, dana.name);
	await expect(danaOnLeader).toHaveAttribute('data-connected', 'true');
	await expect(danaOnLeader).toHaveAttribute('data-presenter', 'true');
	await expect(danaOnLeader).toHaveAttribute('data-listening', 'true');
	await onePerPerson(leader.page, everyone);

	// Cleo closes her tab and opens the link again: a new tab holds no seat, so she joins and
	// waits, is let in again, and takes over her old entry instead of standing beside it.
	await cleo.page.close();
	await expect(participant(leader.page, cleo.name)).toHaveAttribute('data-connected', 'false');
	const again = await cleo.context.newPage();
	await joinOnPage(again, links.member, cleo.name);
	await expect(again.getByTestId('lobby-waiting')).toBeVisible();
	await admit(leader.page, cleo.name);
	await expect(again.getByTestId('phase')).toHaveAttribute('data-phase', 'reflection');
	await expect(participant(leader.page, cleo.name)).toHaveAttribute('data-connected', 'true');
	await onePerPerson(leader.page, everyone);
	await expect(waitingEntry(leader.page, cleo.name)).toHaveCount(0);

	// Everyone else's screen agrees.
	for (const page of [bo.page, dana.page, again]) await expect(page.getByTestId('participant')).toHaveCount(everyone.length);
	for (const person of [leader, ...members]) expect(person.errors).toEqual([]);
});

test('the lobby, with video configured: the group, the name and the device check, released on admission', async ({ browser, request }) => {
	mkdirSync(SHOTS, { recursive: true });
	const [KEY, SECRET] = ['APIreloadkey', 'reload-secret-that-is-long-enough-for-hs256-0123456789'];
	const fake = await startFakeLiveKit(KEY, SECRET);
	const dataDir = mkdtempSync(join(tmpdir(), 'balint-reload-'));
	const server = await startServer({ DATA_DIR: dataDir, LIVEKIT_URL: fake.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET });
	try {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: GROUP } });
		const { links } = (await created.json()) as { links: Record<string, string> };
		const leader = await joinAs(browser, links.leader!, 'Lena Leader');
		await expect(leader.page.getByTestId('phase')).toBeVisible();
		// A laptop in English, a phone in German.
		for (const [label, viewport, locale, waitingAs] of [
			['1366x768', { width: 1366, height: 768 }, 'en-GB', 'You are waiting as'],
			['390x844', { width: 390, height: 844 }, 'de-DE', 'Sie warten als']
		] as const) {
			const name = `Dana ${label}`;
			const dana = await joinAs(browser, links.member!, name, { viewport, locale });
			const page = dana.page;
			await expect(page.getByTestId('lobby-waiting')).toBeVisible();
			await expect(page.getByTestId('group-name')).toHaveText(GROUP);
			await expect(page.getByTestId('lobby-person')).toHaveText(`${waitingAs} ${name}.`);
			await expectAccessible(page, `the lobby (${locale})`);
			await page.screenshot({ path: `${SHOTS}/lobby-${label}.png`, fullPage: true });
			// The device check loads only when opened, and captures only while open.
			await page.getByTestId('lobby-check-devices').click();
			await expect(page.getByTestId('lobby-check-devices')).toHaveAttribute('aria-expanded', 'true');
			await expect(page.getByTestId('lobby-camera-preview')).toBeVisible();
			await expect.poll(() => page.getByTestId('lobby-camera-preview').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
			const stream = await page.getByTestId('lobby-camera-preview').evaluateHandle((v: HTMLVideoElement) => v.srcObject as MediaStream);
			await page.screenshot({ path: `${SHOTS}/lobby-device-check-${label}.png`, fullPage: true });
			await expectAccessible(page, `the lobby's device check (${locale})`);
			// Admitted: the lobby goes, and its camera and microphone with it (one owner).
			await admit(leader.page, name);
			await expect(page.getByTestId('phase')).toBeVisible();
			await expect.poll(() => stream.evaluate((s) => s.getTracks().filter((t) => t.readyState === 'live').length)).toBe(0);
			expect(dana.errors.filter((e) => !/livekit|rtc|websocket|cors|503/i.test(e))).toEqual([]);
			await dana.context.close();
		}
	} finally {
		await server.stop();
		await fake.close();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
