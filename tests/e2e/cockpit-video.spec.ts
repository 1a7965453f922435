import { mkdirSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { socketPerson, type SocketPerson } from '../support/socket-person';
import type { GroupLinks } from '../../src/lib/sync/api-types';
import { useLiveKitApp } from './livekit-app';
import { admit, closeAll, expect, joinOnPage, participant, test, watchErrors, type Person } from './fixtures';

/**
 * The room with real video (the pinned LiveKit, `npm run livekit`): the faces are the roster,
 * one tile per person whether they send video or not, and the leader's cockpit stays in view
 * beside them on a laptop and at the bottom of a phone.
 */
const SHOTS = '/tmp/shots-cockpit';
const media = useLiveKitApp('cockpit-video');

async function joinWithMedia(browser: Browser, url: string, name: string, viewport: { width: number; height: number }): Promise<Person> {
	const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport });
	const page = await context.newPage();
	const errors = watchErrors(page);
	await joinOnPage(page, url, name);
	return { name, page, context, errors };
}

async function enterVideo(page: Page): Promise<void> {
	await page.getByTestId('enter-room').click();
	await expect(page.getByTestId('e2ee-status')).toHaveAttribute('data-encrypted', 'true', { timeout: 20_000 });
}

test('with video the faces are the roster: one tile per person, video or initials, and the cockpit beside them', async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	const response = await fetch(`${media().app.url}/api/groups`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Video Cockpit' })
	});
	const { links } = (await response.json()) as { links: GroupLinks };
	const leader = await joinWithMedia(browser, links.leader, 'Lena Leader', { width: 1366, height: 768 });
	const mira = await joinWithMedia(browser, links.member, 'Mira Member', { width: 1366, height: 768 });
	const nils = await joinWithMedia(browser, links.member, 'Nils Nordin', { width: 390, height: 844 });
	const people = [leader, mira, nils];
	const sockets: SocketPerson[] = [];
	for (const name of ['Bo Berg', 'Cai Dahl', 'Dana Ek']) sockets.push(await socketPerson(media().app.url, links.member, name));
	for (const name of ['Mira Member', 'Nils Nordin']) await admit(leader.page, name);
	await leader.page.getByTestId('admit-all').click();
	await expect(leader.page.getByTestId('participant')).toHaveCount(6);
	for (const p of people) await enterVideo(p.page);
	sockets[0]!.act({ type: 'raise-hand' });
	sockets.push(await socketPerson(media().app.url, links.member, 'Finn Gran'));
	await expect(leader.page.getByTestId('waiting-count')).toHaveAttribute('data-count', '1');

	for (const p of people) {
		// Every person once, as a video tile inside their roster entry: the gallery and the roster are one.
		await expect(p.page.getByTestId('participant')).toHaveCount(6);
		await expect(p.page.locator('[data-testid="participant"] > [data-testid="video-tile"]')).toHaveCount(6);
		await expect(p.page.locator('[data-testid="video-tile"]')).toHaveCount(6);
		// The three in video show their faces (each sees the others' and their own).
		await expect(p.page.locator('[data-testid="video-tile"] video')).toHaveCount(3, { timeout: 20_000 });
	}
	await expect(participant(leader.page, 'Bo Berg')).toHaveAttribute('data-hand', 'true');
	await expect(leader.page.getByTestId('hands-count')).toHaveText("Bo Berg's hand is up");
	await expect(leader.page.getByTestId('next-phase')).toBeInViewport({ ratio: 1 });
	await expect(leader.page.getByTestId('no-video-notice')).toHaveCount(0);
	// Screenshots once the fake camera's picture has arrived at every video element.
	for (const p of people) {
		await expect
			.poll(() => p.page.locator('[data-testid="video-tile"] video').evaluateAll((videos) => videos.every((v) => (v as HTMLVideoElement).videoWidth > 0)))
			.toBe(true);
	}
	await leader.page.screenshot({ path: `${SHOTS}/video-leader-laptop.png` });
	await mira.page.screenshot({ path: `${SHOTS}/video-member-laptop.png` });
	await nils.page.screenshot({ path: `${SHOTS}/video-member-phone.png`, fullPage: true });

	for (const p of people) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	for (const s of sockets) s.close();
	await closeAll(people);
});
