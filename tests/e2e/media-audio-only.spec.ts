import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { autoplayLaunchOptions, useLiveKitApp } from './livekit-app';
import { admit, attr, expect, joinOnPage, test, watchErrors, type Person } from './fixtures';
import { armPublishBypass, expectNothingFrom, expectSeesAndHears, liveCaptures, participantId, recordPeerConnections } from '../support/media-probe';

/**
 * Audio only through the real LiveKit server: a person who switches to it sends no picture
 * and receives none (read from WebRTC's statistics in their own browser and at the others'),
 * while the voices keep arriving both ways; everyone's tile says so; and switching back brings
 * the pictures back, the camera only if it was on.
 */

// Received audio has energy only while it is played: headless Chromium plays it without a click.
test.use({ launchOptions: autoplayLaunchOptions() });

const SHOTS = '/tmp/shots-audio';
const media = useLiveKitApp('audio-only');
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

const createGroup = (name: string) => media().createGroup(name);

async function joinWithMedia(browser: Browser, url: string, name: string, viewport: { width: number; height: number }, locale = 'en-GB'): Promise<Person> {
	const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport, locale });
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

/** Every video RTP stream of the page, by stream: bytes sent (outbound-rtp) and received (inbound-rtp) so far. */
function videoStreams(page: Page): Promise<Record<string, { direction: 'out' | 'in'; bytes: number }>> {
	return page.evaluate(async () => {
		const out: Record<string, { direction: 'out' | 'in'; bytes: number }> = {};
		const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
		for (const [index, pc] of pcs.entries()) {
			if (pc.connectionState === 'closed') continue;
			const stats = await pc.getStats();
			stats.forEach((r: Record<string, unknown>) => {
				if (r.kind !== 'video') return;
				if (r.type === 'outbound-rtp') out[`${index}/${String(r.id)}`] = { direction: 'out', bytes: Number(r.bytesSent ?? 0) };
				if (r.type === 'inbound-rtp') out[`${index}/${String(r.id)}`] = { direction: 'in', bytes: Number(r.bytesReceived ?? 0) };
			});
		}
		return out;
	});
}

/** Video bytes the page sent and received during `ms`: each stream's own growth, a new stream's whole count. */
async function videoDuring(page: Page, ms: number): Promise<{ sent: number; received: number }> {
	const before = await videoStreams(page);
	await page.waitForTimeout(ms);
	const after = await videoStreams(page);
	const grown = { sent: 0, received: 0 };
	for (const [key, s] of Object.entries(after)) grown[s.direction === 'out' ? 'sent' : 'received'] += Math.max(0, s.bytes - (before[key]?.bytes ?? 0));
	return grown;
}

/** Waits until this page sends and receives no video byte at all, then holds it for 2 s. */
async function expectNoVideoAtAll(page: Page): Promise<void> {
	await expect
		.poll(async () => videoDuring(page, 500), { message: 'video stops going out and coming in', timeout: 15_000, intervals: [0] })
		.toEqual({ sent: 0, received: 0 });
	expect(await videoDuring(page, 2000), 'no video byte sent or received for 2 s').toEqual({ sent: 0, received: 0 });
}

/** LiveKit's own view: the sources a person may publish now (1 camera, 2 microphone), as the app's server set them. */
async function allowedSources(groupId: string, identity: string): Promise<number[]> {
	const person = await media().livekit.rooms.getParticipant(`balint-${groupId}`, identity);
	return [...(person.permission?.canPublishSources ?? [])].sort();
}

/** LiveKit's own view: the sources a person publishes now (1 camera, 2 microphone). */
async function publishedSources(groupId: string, identity: string): Promise<number[]> {
	const person = await media().livekit.rooms.getParticipant(`balint-${groupId}`, identity);
	return person.tracks.map((t) => t.source).sort();
}

/** No serious or critical axe violation on the page as it is now. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations on ${screen}`
	).toEqual([]);
}

function tile(page: Page, name: string) {
	return page.locator(`[data-testid="video-tile"]${attr('data-name', name)}`);
}

test('audio only: no picture sent or received, voices both ways, every tile says so; new pictures stay away; back again restores the camera only if it was on', async ({
	browser
}) => {
	const group = await createGroup('Audio only group');
	const lea = await joinWithMedia(browser, group.links.leader, 'Lea Leader', { width: 1366, height: 768 });
	const anna = await joinWithMedia(browser, group.links.member, 'Anna Member', { width: 1366, height: 768 });
	const bo = await joinWithMedia(browser, group.links.member, 'Bo Member', { width: 390, height: 844 });
	for (const name of ['Anna Member', 'Bo Member']) await admit(lea.page, name);
	for (const person of [lea, anna, bo]) await enterVideo(person.page);
	const ids = {
		lea: await participantId(lea.page, 'Lea Leader'),
		anna: await participantId(lea.page, 'Anna Member'),
		bo: await participantId(lea.page, 'Bo Member')
	};
	for (const viewer of [lea, bo]) await expectSeesAndHears(viewer.page, ids.anna);
	await expectSeesAndHears(anna.page, ids.lea);
	await expectSeesAndHears(anna.page, ids.bo);

	const toggle = anna.page.getByTestId('audio-only');
	await expect(toggle).toHaveAttribute('aria-pressed', 'false');
	await expect(tile(lea.page, 'Anna Member')).toHaveAttribute('data-audio-only', 'false');
	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-pressed', 'true');
	await expect(anna.page.getByTestId('camera-toggle')).toBeDisabled();

	// Her own browser: not a byte of video goes out or comes in, her camera is let go, and LiveKit holds no camera of hers.
	await expectNoVideoAtAll(anna.page);
	expect(await liveCaptures(anna.page, 'video'), 'no camera capture open').toBe(0);
	await expect.poll(() => publishedSources(group.id, ids.anna)).toEqual([2]);
	// Not only her browser's doing: the server withdrew her right to publish a camera at LiveKit.
	await expect.poll(() => allowedSources(group.id, ids.anna)).toEqual([2]);
	// The voices still arrive both ways.
	await expectSeesAndHears(anna.page, ids.lea, { video: false, audio: true });
	await expectSeesAndHears(anna.page, ids.bo, { video: false, audio: true });
	for (const viewer of [lea, bo]) {
		await expect(tile(viewer.page, 'Anna Member')).toHaveAttribute('data-audio-only', 'true');
		await expect(tile(viewer.page, 'Anna Member')).toContainText('audio only');
		await expectNothingFrom(viewer.page, ids.anna, 'video');
		await expectSeesAndHears(viewer.page, ids.anna, { video: false, audio: true });
		// The others still see each other.
		await expectSeesAndHears(viewer.page, viewer === lea ? ids.bo : ids.lea);
	}
	await expect(tile(anna.page, 'Anna Member')).toHaveAttribute('data-audio-only', 'true');
	// Her gallery shows initials, not pictures that no longer come.
	await expect(anna.page.locator('[data-testid="video-tile"] video')).toHaveCount(0);
	await anna.page.getByTestId('audio-only').scrollIntoViewIfNeeded();
	await anna.page.screenshot({ path: `${SHOTS}/toggle-pressed-1366.png` });
	await lea.page.screenshot({ path: `${SHOTS}/tile-audio-only-1366.png` });
	await tile(bo.page, 'Anna Member').scrollIntoViewIfNeeded();
	await bo.page.screenshot({ path: `${SHOTS}/tile-audio-only-390.png` });

	// A picture that appears meanwhile stays away from her too: Bo's audio only and back
	// unpublishes his camera and publishes a new one.
	const boToggle = bo.page.getByTestId('audio-only');
	await boToggle.click();
	await expect(tile(lea.page, 'Bo Member')).toHaveAttribute('data-audio-only', 'true');
	await expectNothingFrom(lea.page, ids.bo, 'video');
	await boToggle.click();
	await expect(tile(lea.page, 'Bo Member')).toHaveAttribute('data-audio-only', 'false');
	await expectSeesAndHears(lea.page, ids.bo);
	await expect.poll(() => publishedSources(group.id, ids.bo)).toEqual([1, 2]);
	await expectNoVideoAtAll(anna.page);

	// Back: she is seen again everywhere, and sees everyone.
	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-pressed', 'false');
	for (const viewer of [lea, bo]) {
		await expect(tile(viewer.page, 'Anna Member')).toHaveAttribute('data-audio-only', 'false');
		await expectSeesAndHears(viewer.page, ids.anna);
	}
	await expectSeesAndHears(anna.page, ids.lea);
	await expectSeesAndHears(anna.page, ids.bo);
	await expect(anna.page.getByTestId('camera-toggle')).toHaveAttribute('aria-pressed', 'true');
	expect(await publishedSources(group.id, ids.anna)).toEqual([1, 2]);
	expect(await allowedSources(group.id, ids.anna)).toEqual([1, 2]);

	// Bo turns his camera off first: after audio only and back, it stays off, and he still sees the others.
	await bo.page.getByTestId('camera-toggle').click();
	await expect(bo.page.getByTestId('camera-toggle')).toHaveAttribute('aria-pressed', 'false');
	await bo.page.getByTestId('audio-only').click();
	await expect(bo.page.getByTestId('audio-only')).toHaveAttribute('aria-pressed', 'true');
	await expect(tile(lea.page, 'Bo Member')).toHaveAttribute('data-audio-only', 'true');
	await expectNoVideoAtAll(bo.page);
	await expect(bo.page.locator('[data-testid="video-tile"] video')).toHaveCount(0);
	await bo.page.getByTestId('audio-only').scrollIntoViewIfNeeded();
	await bo.page.screenshot({ path: `${SHOTS}/toggle-pressed-390.png` });
	await bo.page.getByTestId('audio-only').click();
	await expect(bo.page.getByTestId('audio-only')).toHaveAttribute('aria-pressed', 'false');
	await expectSeesAndHears(bo.page, ids.anna);
	await expect(bo.page.getByTestId('camera-toggle')).toHaveAttribute('aria-pressed', 'false');
	expect(await publishedSources(group.id, ids.bo)).toEqual([2]);
	for (const person of [lea, anna, bo]) expect(person.errors, `${person.name}: no page errors`).toEqual([]);
});

/**
 * LiveKit's report of this person's own connection quality, as livekit-client delivers it (the
 * local participant's event, which the Room passes on as `ConnectionQualityChanged`): a poor
 * score cannot be forced on loopback, so the report is made where the library makes it.
 */
async function reportQuality(page: Page, quality: 'poor' | 'lost' | 'good'): Promise<void> {
	await page.evaluate((q) => {
		type Emitter = { emit(event: string, ...args: unknown[]): boolean; __simulated?: string };
		const lp = (window as unknown as { __lp?: Emitter }).__lp;
		if (!lp) throw new Error('no LocalParticipant captured');
		// From now on every report LiveKit makes of this connection says what the test simulates:
		// a real "excellent" from loopback (or a "good" under load) would otherwise break the spell.
		if (lp.__simulated === undefined) {
			const emit = lp.emit.bind(lp);
			lp.emit = (event: string, ...args: unknown[]) =>
				event === 'connectionQualityChanged' ? emit(event, lp.__simulated, ...args.slice(1)) : emit(event, ...args);
		}
		lp.__simulated = q;
		lp.emit('connectionQualityChanged', q);
	}, quality);
}

test('a poor connection for a few seconds offers audio only, calmly: "Not now" puts it away, accepting switches for everyone to see', async ({ browser }) => {
	const group = await createGroup('Weak line group');
	const lea = await joinWithMedia(browser, group.links.leader, 'Lea Leader', { width: 1366, height: 768 });
	// In German, on a phone.
	const mia = await joinWithMedia(browser, group.links.member, 'Mia Member', { width: 390, height: 844 }, 'de-DE');
	await admit(lea.page, 'Mia Member');
	for (const person of [lea, mia]) {
		await armPublishBypass(person.page);
		await enterVideo(person.page);
	}
	await expectSeesAndHears(lea.page, await participantId(lea.page, 'Mia Member'));

	await reportQuality(lea.page, 'poor');
	const offer = lea.page.getByTestId('audio-only-offer');
	// Not at once: a blip does not nag (the 5 s rule itself is tested in quality-offer.test.ts).
	await expect(offer).toHaveCount(0);
	await expect(offer).toBeVisible({ timeout: 15_000 });
	await expect(offer).toHaveAttribute('role', 'status');
	await lea.page.screenshot({ path: `${SHOTS}/offer-1366.png` });
	await expectAccessible(lea.page, 'the room with the audio-only offer');
	await lea.page.getByTestId('audio-only-dismiss').click();
	await expect(offer).toHaveCount(0);
	await expect(lea.page.getByTestId('audio-only')).toHaveAttribute('aria-pressed', 'false');

	await reportQuality(mia.page, 'lost');
	await expect(mia.page.getByTestId('audio-only-offer')).toBeVisible({ timeout: 15_000 });
	await mia.page.getByTestId('audio-only-offer').scrollIntoViewIfNeeded();
	await mia.page.screenshot({ path: `${SHOTS}/offer-390-de.png` });
	await expectAccessible(mia.page, 'the room with the audio-only offer, in German');
	await mia.page.getByTestId('audio-only-accept').click();
	await expect(mia.page.getByTestId('audio-only')).toHaveAttribute('aria-pressed', 'true');
	await expect(mia.page.getByTestId('audio-only-offer')).toHaveCount(0);
	await expect(tile(lea.page, 'Mia Member')).toHaveAttribute('data-audio-only', 'true');
	await expectNoVideoAtAll(mia.page);
	await expect(tile(mia.page, 'Lea Leader')).toBeVisible();
	await expectAccessible(mia.page, 'the room in audio only, in German');
	await expect(tile(lea.page, 'Mia Member')).toContainText('audio only');
	await expectAccessible(lea.page, 'the room with an audio-only tile');
});
