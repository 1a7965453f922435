import { dispose } from '@livekit/rtc-node';
import { expectSeesAndHears, participantId, recordPeerConnections } from '../support/media-probe';
import { mediaSeat } from '../support/media-seat';
import { rtcPublisher } from '../support/rtc-publisher';
import { rtcSubscriber } from '../support/rtc-subscriber';
import type { GroupLinks } from '../../src/lib/sync/api-types';
import { autoplayLaunchOptions, useLiveKitApp } from './livekit-app';
import { admit, expect, joinOnPage, test } from './fixtures';

/**
 * The media bench's headless participants (`@livekit/rtc-node`) and the app's browsers in one
 * encrypted media room, through the app and the real LiveKit server: each side decodes the
 * other with nothing but the group's media key from the link. This is what lets the bench
 * stand rtc-node subscribers and publishers in for browsers.
 */
// Received audio has energy only while it is played: headless Chromium plays it without a click.
test.use({ launchOptions: autoplayLaunchOptions() });

const media = useLiveKitApp('rtc-node');
test.afterAll(() => dispose());

test('an rtc-node member decodes a browser leader’s encrypted picture, and the browser decodes and hears the rtc-node member’s, with the link’s media key', async ({
	browser
}) => {
	const created = await fetch(`${media().app.url}/api/groups`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Headless' })
	});
	const { group, links } = (await created.json()) as { group: { id: string }; links: GroupLinks };
	const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
	await recordPeerConnections(context);
	const leader = await context.newPage();
	await joinOnPage(leader, links.leader, 'Lea Leader');

	const seat = await mediaSeat(media().app.url, links.member, 'Nod Headless');
	await admit(leader, 'Nod Headless');
	await seat.admitted;
	await leader.getByTestId('enter-room').click();
	await expect(leader.getByTestId('e2ee-status')).toHaveAttribute('data-encrypted', 'true', { timeout: 20_000 });
	const nodId = await participantId(leader, 'Nod Headless');
	const leaderId = await participantId(leader, 'Lea Leader');

	// The leader's camera, decoded in Node: only the right key decodes a picture (tests/server/rtc-subscriber.test.ts).
	const grant = await seat.mediaToken();
	const watcher = await rtcSubscriber(grant.url, grant.token, { mediaKey: seat.mediaKey });
	const [frame] = await watcher.firstFrames('video', 1, 20_000);
	expect(frame!.participant).toBe(leaderId);
	expect(watcher.encryptionErrors).toBe(0);
	await watcher.leave();

	// The same person publishes a synthetic picture and tone once the app grants it; the browser decrypts, decodes and plays both.
	const second = await seat.mediaToken();
	const publisher = await rtcPublisher(second.url, second.token, {
		mediaKey: seat.mediaKey,
		async beforePublish() {
			seat.joined();
			await expect
				.poll(async () => (await media().livekit.rooms.getParticipant(`balint-${group.id}`, nodId)).permission?.canPublish, { timeout: 15_000 })
				.toBe(true);
		}
	});
	try {
		await expectSeesAndHears(leader, nodId);
	} finally {
		await publisher.stop();
		seat.close();
		await context.close();
	}
});
