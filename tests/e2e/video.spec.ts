import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../support/server-process';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';
import { readFileSync } from 'node:fs';

/** The built files of livekit-client and its E2EE worker (from Vite's manifest). */
function livekitFiles(): string[] {
	const manifest = JSON.parse(readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8')) as Record<string, { file: string }>;
	return Object.entries(manifest)
		.filter(([key]) => key.includes('livekit-client'))
		.map(([, entry]) => entry.file);
}

/** Every script each page fetched, from its first request on. */
const scripts = new WeakMap<Page, string[]>();
const scriptsOf = (page: Page): string[] => scripts.get(page) ?? [];

/**
 * The video room as far as it can be tested without a LiveKit server: the real browser with
 * Chromium's fake camera and microphone, the real app server, and a local fake of LiveKit's
 * Twirp API that records what the server asks of the media server. Media never flows (the
 * fake has no signalling), so connecting ends in a clear "could not connect" while the
 * gallery, built from the roster, still shows everyone and who is listening.
 */
const KEY = 'APIe2ekey';
const SECRET = 'e2e-secret-that-is-long-enough-for-hs256-0123456789';

async function joinAs(browser: Browser, url: string, name: string): Promise<Page> {
	const page = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
	const fetched: string[] = [];
	scripts.set(page, fetched);
	page.on('request', (r) => void (r.resourceType() === 'script' && fetched.push(new URL(r.url()).pathname)));
	await page.goto(url);
	await page.getByTestId('display-name').fill(name);
	await page.getByTestId('accept-ground-rules').check();
	await page.getByTestId('join').click();
	return page;
}

test.describe('with video configured', () => {
	let fake: FakeLiveKit;
	let server: ServerProcess;
	let dataDir: string;

	test.beforeAll(async () => {
		fake = await startFakeLiveKit(KEY, SECRET);
		dataDir = mkdtempSync(join(tmpdir(), 'balint-video-'));
		server = await startServer({ DATA_DIR: dataDir, LIVEKIT_URL: fake.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET });
	});
	test.afterAll(async () => {
		await server.stop();
		await fake.close();
		rmSync(dataDir, { recursive: true, force: true });
	});

	test('pre-join preview, equal gallery, and the presenter’s microphone closed by the media server', async ({ browser, request }) => {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Video group' } });
		const { group, links } = (await created.json()) as { group: { id: string }; links: Record<string, string> };
		const leader = await joinAs(browser, links.leader!, 'Vera Leader');
		const member = await joinAs(browser, links.member!, 'Milo Member');
		const memberScripts = scriptsOf(member);
		await leader.locator('[data-testid="waiting"][data-name="Milo Member"] [data-testid="admit"]').click();

		// Pre-join: a live preview from the fake camera, toggles that say their state.
		await expect(member.getByTestId('prejoin')).toBeVisible();
		await expect.poll(() => member.getByTestId('camera-preview').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
		const camera = member.getByTestId('camera-toggle');
		await expect(camera).toHaveAttribute('aria-pressed', 'true');
		await camera.click();
		await expect(camera).toHaveAttribute('aria-pressed', 'false');
		await camera.click();
		await expect(member.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'true');

		// livekit-client is not loaded before anyone enters the video room (lazy, issue 4).
		const lazy = livekitFiles();
		expect(lazy.length).toBeGreaterThan(0);
		const loadedLivekit = () => memberScripts.filter((path) => lazy.some((file) => path.endsWith(file)));
		expect(memberScripts.length, 'scripts seen on the member page').toBeGreaterThan(0);
		expect(loadedLivekit(), 'livekit-client before entering the room').toEqual([]);
		const blocked: string[] = [];
		for (const page of [leader, member]) {
			page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && blocked.push(m.text())));
			await page.getByTestId('enter-room').click();
		}
		// The server created the media room, for this group only.
		await expect.poll(() => [...new Set(fake.calls.filter((c) => c.method === 'CreateRoom').map((c) => c.body.name))]).toEqual([`balint-${group.id}`]);
		// Both browsers reached the media server's signalling with a valid token for this room:
		// the page's CSP lets the media server's origin through, and nothing else.
		const room = `balint-${group.id}`;
		await expect.poll(() => new Set(fake.signalling.map((s) => s.identity)).size, 'people who reached signalling').toBe(2);
		expect(fake.signalling.filter((s) => s.room !== room), 'signalling for another room').toEqual([]);
		expect(blocked, 'requests blocked by the CSP').toEqual([]);
		expect(loadedLivekit().length, 'livekit-client once in the room').toBeGreaterThan(0);
		for (const page of [leader, member]) {
			await expect(page.getByTestId('video-tile')).toHaveCount(2);
			await expect(page.getByTestId('media-status')).toHaveAttribute('data-status', 'failed');
		}

		// Listening: the tile says so everywhere and the server closes the microphone at LiveKit.
		await leader.locator('[data-testid="participant"][data-name="Milo Member"] [data-testid="make-presenter"]').click();
		await leader.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
		for (const page of [leader, member]) {
			await expect(page.locator('[data-testid="video-tile"][data-name="Milo Member"]')).toHaveAttribute('data-listening', 'true');
			await expect(page.locator('[data-testid="video-tile"][data-name="Vera Leader"]')).toHaveAttribute('data-listening', 'false');
		}
		await expect(member.getByTestId('mic-closed')).toBeVisible();
		const permissions = () => fake.calls.filter((c) => c.method === 'UpdateParticipant').map((c) => c.body.permission);
		await expect.poll(permissions).toEqual([{ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA'] }]);

		await leader.getByTestId('next-phase').click();
		await expect(member.locator('[data-testid="video-tile"][data-name="Milo Member"]')).toHaveAttribute('data-listening', 'false');
		await expect.poll(permissions).toEqual([
			{ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA'] },
			{ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] }
		]);

		// Ending the session deletes the media room.
		await leader.getByTestId('end-session').click();
		await leader.getByTestId('confirm-end-session').click();
		await expect(member.getByTestId('session-ended')).toBeVisible();
		await expect.poll(() => fake.calls.filter((c) => c.method === 'DeleteRoom').map((c) => c.body.room)).toEqual([`balint-${group.id}`]);
		for (const page of [leader, member]) await page.context().close();
	});

	test('a link without the media key gets a clear message instead of a broken room', async ({ browser, request }) => {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Keyless group' } });
		const { links } = (await created.json()) as { links: Record<string, string> };
		const leader = await joinAs(browser, links.leader!.replace(/&k=[^&]*/, ''), 'Kim Leader');
		await expect(leader.getByTestId('e2ee-status')).toHaveAttribute('data-encrypted', 'false');
		await expect(leader.getByTestId('prejoin')).toHaveCount(0);
		await leader.context().close();
	});
});

test('without video configured every room says so and the session still works', async ({ browser, request }) => {
	const base = process.env.E2E_BASE_URL!;
	const created = await request.post(`${base}/api/groups`, { data: { name: 'Phone group' } });
	const { links } = (await created.json()) as { links: Record<string, string> };
	const leader = await joinAs(browser, links.leader!, 'Nora Leader');
	await expect(leader.getByTestId('no-video-notice')).toBeVisible();
	await expect(leader.getByTestId('prejoin')).toHaveCount(0);
	await leader.getByTestId('next-phase').click();
	await expect(leader.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');
	await leader.context().close();
});
