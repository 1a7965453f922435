import type { Browser, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../support/server-process';
import { freePort, startLiveKit, type TestLiveKit } from '../support/livekit';
import { admit, attr, expect, joinOnPage, test, watchErrors, type Person } from './fixtures';
import { expectNothingFrom, expectSeesAndHears, participantId, recordPeerConnections } from './media-probe';

/**
 * Media through the real LiveKit server (the pinned build, `npm run livekit`), with real
 * browsers: Chromium's fake camera sends a test picture and its fake microphone a tone, and
 * every check reads what really arrives at the receivers (WebRTC statistics), not the UI.
 * One LiveKit and one app server for this file, on free ports, stopped after.
 */

// Received audio has energy only while it is played; headless Chromium plays it without a click with this.
test.use({
	launchOptions: {
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream',
			'--autoplay-policy=no-user-gesture-required'
		]
	}
});

let livekit: TestLiveKit;
let app: ServerProcess;
let dataDir: string;

test.beforeAll(async () => {
	const port = await freePort();
	livekit = await startLiveKit(`http://127.0.0.1:${port}/api/media/webhook`);
	dataDir = mkdtempSync(join(tmpdir(), 'balint-media-'));
	app = await startServer({ ...livekit.env, PORT: String(port), DATA_DIR: dataDir });
});
test.afterAll(async () => {
	await app?.stop();
	await livekit?.stop();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type Links = Record<'leader' | 'coLeader' | 'member' | 'observer', string>;

async function createGroup(name: string): Promise<{ id: string; links: Links }> {
	const response = await fetch(`${app.url}/api/groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
	expect(response.status).toBe(201);
	const body = (await response.json()) as { group: { id: string }; links: Links };
	return { id: body.group.id, links: body.links };
}

/** Joins in a new context that records its peer connections and may use camera and microphone. */
async function joinWithMedia(browser: Browser, url: string, name: string): Promise<Person> {
	const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
	await recordPeerConnections(context);
	const page = await context.newPage();
	const errors = watchErrors(page);
	await joinOnPage(page, url, name);
	return { name, page, context, errors };
}

async function enterVideo(page: Page): Promise<void> {
	await page.getByTestId('enter-room').click();
	await expect(page.getByTestId('e2ee-status')).toHaveAttribute('data-encrypted', 'true', { timeout: 20_000 });
}

test('a leader, two members and an observer: every browser decodes every publisher’s video and hears their voice, end-to-end encrypted', async ({ browser }) => {
	const group = await createGroup('Media group');
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const anna = await joinWithMedia(browser, group.links.member, 'Anna Member');
	const bo = await joinWithMedia(browser, group.links.member, 'Bo Member');
	const olle = await joinWithMedia(browser, group.links.observer, 'Olle Observer');
	for (const name of ['Anna Member', 'Bo Member', 'Olle Observer']) await admit(leader.page, name);
	const everyone = [leader, anna, bo, olle];
	for (const person of everyone) await enterVideo(person.page);

	const ids = new Map<string, string>();
	for (const person of everyone) ids.set(person.name, await participantId(leader.page, person.name));
	const publishers = [leader, anna, bo];
	for (const viewer of everyone) {
		for (const publisher of publishers) {
			if (publisher === viewer) continue;
			await expectSeesAndHears(viewer.page, ids.get(publisher.name)!);
		}
		// The observer publishes nothing: no frame and no sound of theirs arrives anywhere.
		if (viewer !== olle) await expectNothingFrom(viewer.page, ids.get(olle.name)!, 'audio', 500);
	}
	// LiveKit itself lists exactly the four, and the observer with no track.
	const inRoom = await livekit.rooms.listParticipants(`balint-${group.id}`);
	expect(inRoom.map((p) => p.identity).sort()).toEqual([...ids.values()].sort());
	expect(inRoom.find((p) => p.identity === ids.get(olle.name))!.tracks).toEqual([]);
	for (const person of everyone) await expect(person.page.locator(`[data-testid="video-tile"]${attr('data-name', 'Anna Member')}`)).toBeVisible();
});
