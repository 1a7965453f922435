import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type ServerProcess } from '../support/server-process';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';
import { attr, expect, test, watchErrors } from './fixtures';
import { livekitFiles } from '../support/media-probe';
import type { CreatedGroup } from '../../src/lib/sync/api-types';

/** Every script each page fetched, from its first request on. */
const scripts = new WeakMap<Page, string[]>();
const scriptsOf = (page: Page): string[] => scripts.get(page) ?? [];

/**
 * The video room's screens, against a stand-in for LiveKit's room API (media through the real
 * server is media-real.spec.ts): what the stand-in shows better is every call the app makes
 * and the room's screens when video cannot connect. The real browser with
 * Chromium's fake camera and microphone, the real app server, and a local fake of LiveKit's
 * Twirp API that records what the server asks of the media server. Media never flows (the
 * fake has no signalling), so connecting ends in a clear "could not connect" while the
 * gallery, built from the roster, still shows everyone and who is listening.
 */
const KEY = 'APIe2ekey';
const SECRET = 'e2e-secret-that-is-long-enough-for-hs256-0123456789';

async function joinAs(browser: Browser, url: string, name: string, context?: BrowserContext): Promise<Page> {
	const page = await (context ?? (await browser.newContext({ permissions: ['camera', 'microphone'] }))).newPage();
	const fetched: string[] = [];
	scripts.set(page, fetched);
	page.on('request', (r) => void (r.resourceType() === 'script' && fetched.push(new URL(r.url()).pathname)));
	await page.goto(url);
	await page.getByTestId('display-name').fill(name);
	await page.getByTestId('accept-ground-rules').check();
	await page.getByTestId('join').click();
	return page;
}

type Created = CreatedGroup;

/** From the waiting list, or for a leader held at the door (issue 15) from the announcement. */
async function admit(leader: Page, name: string): Promise<void> {
	const who = attr('data-name', name);
	await leader.locator(`[data-testid="waiting"]${who} [data-testid="admit"], [data-testid="leader-arriving"]${who} [data-testid="admit"]`).click();
}

const tile = (page: Page, name: string): Locator => page.locator(`[data-testid="video-tile"]${attr('data-name', name)}`);

/**
 * The page's camera and microphone, seen and steered from the test: `window.__media` records
 * every stream the page got from getUserMedia, and `problem` makes the next request fail.
 *
 * Why the failures are made in the page: Chromium runs here with
 * --use-fake-ui-for-media-stream, which answers every permission prompt with "allow" (a
 * context's permissions cannot take that back), and --use-fake-device-for-media-stream, which
 * always provides a camera and a microphone. Both are browser-wide flags, so a refusal or a
 * computer without devices cannot be produced at the browser level in these tests. The only
 * way is to replace `getUserMedia` and `enumerateDevices` before the app's scripts run, with
 * versions that answer as Chromium itself does: a DOMException named NotAllowedError or
 * NotFoundError, and a device list without the missing kinds. Setting `problem` to null ends
 * the problem (the person allowed access, or plugged a device in).
 */
type MediaProblem = 'denied' | 'no-devices' | 'no-camera';
interface MediaProbe {
	problem: MediaProblem | null;
	streams: MediaStream[];
}
async function probeMedia(context: BrowserContext, problem: MediaProblem | null = null): Promise<void> {
	await context.addInitScript((initial: MediaProblem | null) => {
		const devices = navigator.mediaDevices;
		if (!devices) return;
		const probe: MediaProbe = { problem: initial, streams: [] };
		(window as unknown as { __media: MediaProbe }).__media = probe;
		const getUserMedia = devices.getUserMedia.bind(devices);
		const enumerate = devices.enumerateDevices.bind(devices);
		devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
			if (probe.problem === 'denied') throw new DOMException('Permission denied', 'NotAllowedError');
			if (probe.problem === 'no-devices' || (probe.problem === 'no-camera' && constraints?.video)) {
				throw new DOMException('Requested device not found', 'NotFoundError');
			}
			const stream = await getUserMedia(constraints);
			probe.streams.push(stream);
			return stream;
		};
		devices.enumerateDevices = async () => {
			const all = await enumerate();
			if (probe.problem === 'no-devices') return all.filter((d) => d.kind === 'audiooutput');
			if (probe.problem === 'no-camera') return all.filter((d) => d.kind !== 'videoinput');
			return all;
		};
	}, problem);
}

const setMediaProblem = (page: Page, problem: MediaProblem | null) =>
	page.evaluate((p) => void ((window as unknown as { __media: MediaProbe }).__media.problem = p), problem);

/** The device of each kind the page captures now (live tracks only): what the camera light shows. */
const capturing = (page: Page) =>
	page.evaluate(() => {
		const live = (window as unknown as { __media: MediaProbe }).__media.streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live');
		return {
			audio: live.filter((t) => t.kind === 'audio').map((t) => t.getSettings().deviceId),
			video: live.filter((t) => t.kind === 'video').map((t) => t.getSettings().deviceId)
		};
	});

/**
 * A person in the session without a browser: the link's token exchanged for a ticket at
 * `/api/tickets` and the sync socket opened with it, as the browser client does (the server's
 * Yjs frames are simply not read; `ws` answers the heartbeat's pings). The gallery is drawn
 * from the session roster, so on another person's screen such a person looks the same as one
 * in a browser, at a fraction of the cost (see the 12-person test).
 */
async function socketPerson(base: string, link: string, name: string): Promise<WebSocket> {
	const token = new URLSearchParams(new URL(link).hash.slice(1)).get('t')!;
	const answer = await fetch(`${base}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name }) });
	expect(answer.status, `ticket for ${name}`).toBe(200);
	const { ticket, group } = (await answer.json()) as { ticket: string; group: { id: string } };
	const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/sync/${group.id}?ticket=${encodeURIComponent(ticket)}`);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	ws.on('error', () => undefined);
	return ws;
}

/**
 * A page's errors, without the browser's own lines about the media server turning it away
 * (the fake has no signalling: the WebSocket handshake answers 503 and livekit-client's
 * follow-up `/rtc/v1/validate` request has no CORS answer). Anything else is the app's.
 */
function appErrors(errors: string[]): string[] {
	const media = errors.some((e) => /\/rtc\/v1/.test(e));
	return errors.filter((e) => !/\/rtc\/v1/.test(e) && !(media && e === 'console: Failed to load resource: net::ERR_FAILED'));
}

/** Every tile on the page has the same size (within 1 px), and that size. */
async function expectEqualTiles(page: Page, count: number): Promise<{ width: number; height: number }> {
	const tiles = page.getByTestId('video-tile');
	await expect(tiles).toHaveCount(count);
	const boxes = await tiles.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
	const [first] = boxes;
	for (const box of boxes) {
		expect(Math.abs(box.width - first!.width), 'tile width').toBeLessThanOrEqual(1);
		expect(Math.abs(box.height - first!.height), 'tile height').toBeLessThanOrEqual(1);
	}
	expect(first!.width).toBeGreaterThan(0);
	return { width: first!.width, height: first!.height };
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
		expect(
			fake.signalling.filter((s) => s.room !== room),
			'signalling for another room'
		).toEqual([]);
		expect(blocked, 'requests blocked by the CSP').toEqual([]);
		expect(loadedLivekit().length, 'livekit-client once in the room').toBeGreaterThan(0);
		for (const page of [leader, member]) {
			await expect(page.getByTestId('video-tile')).toHaveCount(2);
			await expect(page.getByTestId('media-status')).toHaveAttribute('data-status', 'failed');
			// In words of the app, not LiveKit's English.
			await expect(page.getByTestId('media-status')).toHaveText(/^Video could not connect\. The room still works without it; you can try again\.\s*Try again$/);
		}
		// Failed video can be tried again: a new token from the server, and the member's browser
		// reaches the media server's signalling once more.
		const milo = () => fake.signalling.filter((s) => s.name === 'Milo Member');
		const before = milo().length;
		expect(before).toBeGreaterThan(0);
		await member.getByTestId('media-retry').click();
		await expect.poll(() => milo().length, 'signalling again after "Try again"').toBeGreaterThan(before);
		await expect(member.getByTestId('media-status')).toHaveAttribute('data-status', 'failed');

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

	test('pre-join: the level meter follows the fake microphone, the pickers list the fake devices, and a person may enter with both off', async ({
		browser,
		request
	}) => {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Pre-join group' } });
		const { links } = (await created.json()) as Created;
		const leader = await joinAs(browser, links.leader, 'Pia Leader');
		const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
		await probeMedia(context);
		const member = await joinAs(browser, links.member, 'Max Member', context);
		const errors = watchErrors(member);
		await admit(leader, 'Max Member');
		await expect(member.getByTestId('prejoin')).toBeVisible();

		// The meter moves with Chromium's fake microphone (a tone): some sample above silence.
		const meter = member.getByTestId('mic-level');
		const level = () => meter.evaluate((el: HTMLMeterElement) => el.value);
		await expect.poll(level, 'microphone level').toBeGreaterThan(0);

		// Each picker lists exactly the devices of its kind the browser reports, by name, and
		// shows the one the preview uses.
		const reported = (kind: MediaDeviceKind) =>
			member.evaluate(async (k) => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === k).map((d) => d.label), kind);
		const listed = (picker: string) => member.getByTestId(picker).locator('option').allTextContents();
		const cameras = await reported('videoinput');
		const microphones = await reported('audioinput');
		expect(cameras.length, 'fake cameras').toBeGreaterThan(0);
		expect(microphones.length, 'fake microphones').toBeGreaterThan(1);
		expect(
			[...cameras, ...microphones].every((label) => label !== ''),
			'device names (permission granted)'
		).toBe(true);
		await expect.poll(() => listed('camera-select')).toEqual(cameras);
		await expect.poll(() => listed('mic-select')).toEqual(microphones);
		const inUse = await capturing(member);
		expect(inUse.video, 'one camera captured').toHaveLength(1);
		await expect(member.getByTestId('camera-select'), 'the camera picker shows the camera in use').toHaveValue(inUse.video[0]!);
		await expect(member.getByTestId('mic-select'), 'the microphone picker shows the microphone in use').toHaveValue(inUse.audio[0]!);

		// Another microphone chosen: the preview captures that one (and only it), and the meter follows.
		const mic = member.getByTestId('mic-select');
		const values = await mic.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
		const other = values.find((v) => v !== inUse.audio[0])!;
		await mic.selectOption(other);
		await expect.poll(async () => (await capturing(member)).audio, 'capturing the chosen microphone').toEqual([other]);
		await expect(mic).toHaveValue(other);
		await expect.poll(level, 'level from the chosen microphone').toBeGreaterThan(0);

		// Both off: nothing is captured any more (the camera light goes out), the preview goes
		// dark, the meter goes quiet, and the toggles say so.
		await member.getByTestId('camera-toggle').click();
		await member.getByTestId('mic-toggle').click();
		await expect(member.getByTestId('camera-toggle')).toHaveAttribute('aria-pressed', 'false');
		await expect(member.getByTestId('camera-toggle')).toHaveText('Camera off');
		await expect(member.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'false');
		await expect(member.getByTestId('mic-toggle')).toHaveText('Microphone off');
		await expect.poll(() => capturing(member), 'nothing captured').toEqual({ audio: [], video: [] });
		await expect(member.getByTestId('camera-preview')).toBeHidden();
		await expect.poll(level, 'no level with the microphone off').toBe(0);

		// In the room the toggles still say off. (Media never connects here, so they would say
		// off either way: that the choice reaches LiveKit is covered only by the manual test.)
		await member.getByTestId('enter-room').click();
		await expect(member.getByTestId('prejoin')).toHaveCount(0);
		await expect(member.getByTestId('media-status')).toHaveAttribute('data-status', 'failed');
		await expect(member.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'false');
		await expect(member.getByTestId('camera-toggle')).toHaveAttribute('aria-pressed', 'false');
		await expect(tile(member, 'Max Member')).toBeVisible();
		expect(await capturing(member), 'nothing captured in the room').toEqual({ audio: [], video: [] });
		expect(appErrors(errors)).toEqual([]);
		for (const page of [leader, member]) await page.context().close();
	});

	test('pre-join: a refused permission or no camera and microphone says so, and the person can still enter', async ({ browser, request }) => {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Device trouble group' } });
		const { links } = (await created.json()) as Created;
		const leader = await joinAs(browser, links.leader, 'Ida Leader');
		const arrive = async (name: string, problem: MediaProblem) => {
			const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
			await probeMedia(context, problem);
			const page = await joinAs(browser, links.member, name, context);
			const errors = watchErrors(page);
			await admit(leader, name);
			await expect(page.getByTestId('prejoin')).toBeVisible();
			return { page, errors };
		};

		const messages: string[] = [];
		for (const { problem, name, shown } of [
			{ problem: 'denied', name: 'Dag Denied', shown: 'denied' },
			{ problem: 'no-devices', name: 'Nils Nodevice', shown: 'none' }
		] as const) {
			const { page, errors } = await arrive(name, problem);
			const message = page.getByTestId('device-problem');
			await expect(message, name).toHaveAttribute('data-problem', shown);
			await expect(message, 'announced').toHaveAttribute('role', 'alert');
			await expect(message).toContainText(/camera|microphone/i);
			messages.push((await message.textContent())!.trim());
			// What to do: try again, or enter anyway. No preview pretends to work.
			await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
			await expect(page.getByTestId('camera-preview')).toBeHidden();
			// The toggles say what entering will do: both off, until "Try again" works.
			for (const toggle of ['camera-toggle', 'mic-toggle']) {
				await expect(page.getByTestId(toggle), `${name} ${toggle}`).toHaveAttribute('aria-pressed', 'false');
				await expect(page.getByTestId(toggle), `${name} ${toggle}`).toBeDisabled();
			}

			// Entering without media works: in the room nothing is on, and the toggles say so.
			await page.getByTestId('enter-room').click();
			await expect(page.getByTestId('prejoin')).toHaveCount(0);
			await expect(page.getByTestId('mic-toggle'), name).toHaveAttribute('aria-pressed', 'false');
			await expect(page.getByTestId('camera-toggle'), name).toHaveAttribute('aria-pressed', 'false');
			await expect(tile(page, name)).toBeVisible();
			expect(appErrors(errors), name).toEqual([]);
			await page.context().close();
		}
		expect(new Set(messages).size, 'a different message for each problem').toBe(2);

		// "Try again" works once the person has allowed access: the message goes, the preview comes.
		const { page } = await arrive('Rita Retry', 'denied');
		await expect(page.getByTestId('device-problem')).toHaveAttribute('data-problem', 'denied');
		await setMediaProblem(page, null);
		await page.getByRole('button', { name: 'Try again' }).click();
		await expect(page.getByTestId('device-problem')).toHaveCount(0);
		await expect(page.getByTestId('camera-toggle')).toHaveAttribute('aria-pressed', 'true');
		await expect(page.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'true');
		await expect.poll(() => page.getByTestId('camera-preview').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
		await expect.poll(() => page.getByTestId('mic-level').evaluate((el: HTMLMeterElement) => el.value)).toBeGreaterThan(0);
		for (const p of [page, leader]) await p.context().close();
	});

	test('pre-join: a computer with a microphone but no camera enters with its microphone on', async ({ browser, request }) => {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Headset group' } });
		const { links } = (await created.json()) as Created;
		const leader = await joinAs(browser, links.leader, 'Hanna Leader');
		const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
		await probeMedia(context, 'no-camera');
		const member = await joinAs(browser, links.member, 'Hugo Headset', context);
		await admit(leader, 'Hugo Headset');
		await expect(member.getByTestId('prejoin')).toBeVisible();
		// Asking for both fails as a whole in the browser; the pre-join turns the missing camera
		// off instead of saying "no camera or microphone" and entering with the microphone off.
		await expect(member.getByTestId('camera-toggle')).toHaveAttribute('aria-pressed', 'false');
		await expect(member.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'true');
		await expect.poll(() => member.getByTestId('mic-level').evaluate((el: HTMLMeterElement) => el.value)).toBeGreaterThan(0);
		await expect(member.getByTestId('device-problem')).toHaveCount(0);
		await expect(member.getByTestId('camera-select').locator('option')).toHaveCount(0);
		expect((await capturing(member)).audio).toHaveLength(1);
		for (const page of [leader, member]) await page.context().close();
	});

	test('equal gallery: leader, two members and an observer each see four equal tiles with name and role; only a leader mutes, and only members', async ({
		browser,
		request
	}) => {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Gallery group' } });
		const { group, links } = (await created.json()) as Created;
		const people = [
			{ name: 'Lea Leader', link: links.leader, role: 'Leader' },
			{ name: 'Mona Member', link: links.member, role: 'Member' },
			{ name: 'Mats Member', link: links.member, role: 'Member' },
			{ name: 'Olle Observer', link: links.observer, role: 'Observer' }
		];
		const pages: Page[] = [];
		for (const person of people) pages.push(await joinAs(browser, person.link, person.name));
		const [leader, mona, mats, observer] = pages as [Page, Page, Page, Page];
		for (const person of people.slice(1)) await admit(leader, person.name);
		for (const page of pages) await page.getByTestId('enter-room').click();
		const room = `balint-${group.id}`;
		await expect.poll(() => new Set(fake.signalling.filter((s) => s.room === room).map((s) => s.name)).size, 'people who reached signalling').toBe(4);

		for (const [index, page] of pages.entries()) {
			const where = `${people[index]!.name}'s screen`;
			await expect(page.getByTestId('media-status'), where).toHaveAttribute('data-status', 'failed');
			await expectEqualTiles(page, 4);
			for (const person of people) {
				// Name and role in words, on the tile itself.
				await expect(tile(page, person.name).locator('figcaption'), where).toContainText(`${person.name} · ${person.role}`);
			}
		}

		// Only the leader has a mute button, and only on the members' tiles.
		await expect(leader.getByTestId('mute')).toHaveCount(2);
		for (const name of ['Mona Member', 'Mats Member']) {
			await expect(tile(leader, name).getByTestId('mute')).toHaveAccessibleName(`Mute (${name})`);
		}
		for (const page of [mona, mats, observer]) await expect(page.getByTestId('mute')).toHaveCount(0);

		// The leader mutes Mona: the server finds her microphone at the media server and mutes it.
		const identity = fake.signalling.find((s) => s.room === room && s.name === 'Mona Member')!.identity;
		fake.tracks.set(identity, [
			{ sid: 'TR_mona_cam', source: 'CAMERA', muted: false },
			{ sid: 'TR_mona_mic', source: 'MICROPHONE', muted: false }
		]);
		await tile(leader, 'Mona Member').getByTestId('mute').click();
		const calls = (method: string) => fake.calls.filter((c) => c.method === method && c.body.room === room).map((c) => c.body);
		await expect.poll(() => calls('MutePublishedTrack')).toEqual([{ room, identity, trackSid: 'TR_mona_mic', muted: true }]);
		expect(calls('GetParticipant')).toEqual([{ room, identity }]);
		for (const page of pages) await page.context().close();
	});

	test('equal gallery on a laptop screen (1366x768) with 12 people', async ({ browser, request }) => {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Full group' } });
		const { links } = (await created.json()) as Created;
		const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1366, height: 768 } });
		const leader = await joinAs(browser, links.leader, 'Lotta Leader', context);
		// In the room before anyone else comes: a co-leader arriving first would not be held at her door.
		await expect(leader.locator(`[data-testid="participant"]${attr('data-name', 'Lotta Leader')}`)).toBeVisible();
		// Eleven more people join through the real ticket API and sync socket, without a browser:
		// the gallery is drawn from the roster, and twelve Chromium pages each running the fake
		// camera's preview would load the two cores of this machine far more than the test needs.
		const others = [
			{ name: 'Cecilia Co-leader', link: links.coLeader, role: 'Co-leader' },
			...Array.from({ length: 9 }, (_, i) => ({ name: `Member Number ${i + 1}`, link: links.member, role: 'Member' })),
			{ name: 'Otto Observer', link: links.observer, role: 'Observer' }
		];
		const sockets: WebSocket[] = [];
		for (const person of others) sockets.push(await socketPerson(server.url, person.link, person.name));
		// The co-leader too: arriving after the leader, they are announced at her door (issue 15).
		for (const person of others) await admit(leader, person.name);
		await expect(leader.getByTestId('participant')).toHaveCount(12);
		await leader.getByTestId('enter-room').click();
		await expect(leader.getByTestId('media-status')).toHaveAttribute('data-status', 'failed');

		const size = await expectEqualTiles(leader, 12);
		// Not squeezed below the gallery's own minimum (14rem): faces stay recognisable.
		expect(size.width, 'tile width').toBeGreaterThanOrEqual(224 - 1);
		for (const person of [{ name: 'Lotta Leader', role: 'Leader' }, ...others]) {
			await expect(tile(leader, person.name).locator('figcaption')).toContainText(`${person.name} · ${person.role}`);
		}
		const layout = await leader.evaluate(() => {
			const tiles = [...document.querySelectorAll('[data-testid="video-tile"]')].map((el) => el.getBoundingClientRect());
			const inside = (box: DOMRect, of: DOMRect) =>
				box.top >= of.top - 0.5 && box.bottom <= of.bottom + 0.5 && box.left >= of.left - 0.5 && box.right <= of.right + 0.5;
			const captions = [...document.querySelectorAll('[data-testid="video-tile"] figcaption')].map((el, i) => inside(el.getBoundingClientRect(), tiles[i]!));
			return {
				sidewaysScroll: document.documentElement.scrollWidth > document.documentElement.clientWidth,
				galleryHeight: document.querySelector('[data-testid="gallery"]')!.getBoundingClientRect().height,
				captionsInside: captions.every(Boolean),
				overlap: tiles.some((a, i) =>
					tiles.some((b, j) => i < j && a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
				)
			};
		});
		expect(layout.sidewaysScroll, 'no sideways scrolling').toBe(false);
		expect(layout.overlap, 'tiles overlap').toBe(false);
		expect(layout.captionsInside, 'every name and role inside its tile').toBe(true);
		// Everyone at once: the whole gallery fits the screen's height, and with it in view no
		// tile is cut off.
		expect(layout.galleryHeight, 'gallery height').toBeLessThanOrEqual(768);
		await leader.getByTestId('gallery').evaluate((el) => el.scrollIntoView({ block: 'center' }));
		for (const each of await leader.getByTestId('video-tile').all()) await expect(each).toBeInViewport({ ratio: 1 });
		for (const ws of sockets) ws.close();
		await context.close();
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
