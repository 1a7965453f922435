import type { Browser, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../support/server-process';
import { freePort, startLiveKit, type TestLiveKit } from '../support/livekit';
import { admit, attr, expect, joinOnPage, participant, test, watchErrors, type Person } from './fixtures';
import { armPublishBypass, expectNothingFrom, expectSeesAndHears, participantId, publishBypassingTheApp, recordPeerConnections } from './media-probe';

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

async function setPhase(leader: Page, phase: string): Promise<void> {
	await leader.locator(`[data-testid="set-phase"]${attr('data-phase', phase)}`).click();
	await expect(leader.getByTestId('phase')).toHaveAttribute('data-phase', phase);
}

/** LiveKit's own view: the sources a person publishes now (1 camera, 2 microphone). */
async function publishedSources(groupId: string, identity: string): Promise<number[]> {
	const person = await livekit.rooms.getParticipant(`balint-${groupId}`, identity);
	return person.tracks.map((t) => t.source).sort();
}

test('the presenter’s silence: closed by the media server for every listener, refused even past the app, and back by itself at return, twice; the camera too when the group asks', async ({ browser }) => {
	const group = await createGroup('Silence group');
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const pia = await joinWithMedia(browser, group.links.member, 'Pia Presenter');
	const bo = await joinWithMedia(browser, group.links.member, 'Bo Member');
	for (const name of ['Pia Presenter', 'Bo Member']) await admit(leader.page, name);
	// What an attacker holding the presenter's page could do, prepared before the room is entered.
	await armPublishBypass(pia.page);
	for (const person of [leader, pia, bo]) await enterVideo(person.page);
	const piaId = await participantId(leader.page, 'Pia Presenter');
	const listeners = [leader, bo];
	for (const l of listeners) await expectSeesAndHears(l.page, piaId);

	for (const round of [1, 2]) {
		await participant(leader.page, 'Pia Presenter').getByTestId('make-presenter').click();
		if (round === 2) await leader.page.getByTestId('camera-rule').check();
		await setPhase(leader.page, 'reflection');
		// Every listener: not one more byte of her voice, on any track.
		for (const l of listeners) await expectNothingFrom(l.page, piaId, 'audio');
		await expect(pia.page.getByTestId('mic-closed')).toBeVisible();
		await expect(pia.page.getByTestId('mic-toggle')).toBeDisabled();
		expect(await publishedSources(group.id, piaId), 'LiveKit holds no microphone of hers').not.toContain(2);
		// The group's camera rule: her picture stops too.
		if (round === 2) for (const l of listeners) await expectNothingFrom(l.page, piaId, 'video');
		await setPhase(leader.page, 'return');
		// She is seen and heard again without touching anything: decrypted, with energy, at every listener.
		for (const l of listeners) await expectSeesAndHears(l.page, piaId);
		await expect(pia.page.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'true');
		expect(await publishedSources(group.id, piaId)).toEqual([1, 2]);
		if (round === 1) await leader.page.getByTestId('second-case').click();
	}

	// Listening once more, and now straight through livekit-client, past the app and the
	// library's own check: LiveKit refuses, and nothing of hers arrives anywhere.
	await setPhase(leader.page, 'reflection');
	for (const l of listeners) await expectNothingFrom(l.page, piaId, 'audio');
	await publishBypassingTheApp(pia.page, 'microphone');
	await expect.poll(() => livekit.output.some((line) => line.includes('no permission to publish track'))).toBe(true);
	for (const l of listeners) await expectNothingFrom(l.page, piaId, 'audio');
	expect(await publishedSources(group.id, piaId)).not.toContain(2);
});
