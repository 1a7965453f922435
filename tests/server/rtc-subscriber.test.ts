import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { dispose } from '@livekit/rtc-node';
import { toolBinary } from '../../src/lib/server/livekit-binary';
import { freePort, startLiveKit, type TestLiveKit } from '../support/livekit';
import { rtcPublisher, type RtcPublisher } from '../support/rtc-publisher';
import { rtcSubscriber, type RtcSubscriber } from '../support/rtc-subscriber';

/**
 * The media bench's headless participants (`@livekit/rtc-node`) against the real LiveKit
 * server: one publishes a synthetic picture and tone encrypted with a group's media key, and
 * subscribers with that key, another key and none show that what arrives is decoded only with
 * the right key. Without the LiveKit build (`npm run livekit`; `npm test` makes it first) the
 * file is skipped and says so.
 */
const haveLiveKit = existsSync(toolBinary(process.cwd()));
if (!haveLiveKit) console.warn(`rtc-subscriber.test: skipped, no LiveKit server at ${toolBinary(process.cwd())} (run \`npm run livekit\`)`);

const MEDIA_KEY = 'Zm9yLXRoZS1iZW5jaC1vbmx5LW5vdC1hLXJlYWwta2V5';
const ROOM = 'balint-rtc-node-test';

describe.skipIf(!haveLiveKit)('rtc-node participants through the real LiveKit server', () => {
	let livekit: TestLiveKit;
	let publisher: RtcPublisher;
	const subscribers: RtcSubscriber[] = [];

	beforeAll(async () => {
		// Nothing listens at the webhook's address: no app decides here who may stay.
		livekit = await startLiveKit(`http://127.0.0.1:${await freePort()}/api/media/webhook`);
		await livekit.rooms.createRoom({ name: ROOM, emptyTimeout: 60, maxParticipants: 8 });
		publisher = await rtcPublisher(livekit.url, await livekit.token(ROOM, 'publisher', { canPublish: true }), { mediaKey: MEDIA_KEY });
	}, 60_000);
	afterAll(async () => {
		for (const subscriber of subscribers) await subscriber.leave().catch(() => undefined);
		await publisher?.stop().catch(() => undefined);
		await livekit?.stop();
		await dispose();
	}, 30_000);

	it('a subscriber with the group’s key decodes the publisher’s picture and tone; with another key or none it decodes neither', async () => {
		const join = async (identity: string, mediaKey?: string, keepReading = false) => {
			const subscriber = await rtcSubscriber(livekit.url, await livekit.token(ROOM, identity, { canPublish: false }), { mediaKey, toneHz: 440, keepReading });
			subscribers.push(subscriber);
			return subscriber;
		};
		const keyed = await join('with-the-key', MEDIA_KEY, true);
		const [video] = await keyed.firstFrames('video', 1, 20_000);
		const [audio] = await keyed.firstFrames('audio', 1, 20_000);
		expect(video!.participant).toBe('publisher');
		expect(audio!.participant).toBe('publisher');

		const wrongKey = await join('with-another-key', 'YW5vdGhlci1ncm91cHMta2V5LW5vdC10aGlzLW9uZQ');
		const noKey = await join('without-a-key');
		// Both are subscribed to both tracks, and media reaches them while the keyed one keeps decoding.
		await expect.poll(() => [wrongKey.tracks.length, noKey.tracks.length], { timeout: 10_000 }).toEqual([2, 2]);
		const framesBefore = keyed.tracks.find((t) => t.kind === 'video')!.frames;
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(keyed.tracks.find((t) => t.kind === 'video')!.frames, 'the keyed subscriber kept decoding meanwhile').toBeGreaterThan(framesBefore + 10);
		for (const other of [wrongKey, noKey]) {
			expect(other.tracks.map((t) => [t.kind, t.firstFrameAt]).sort(), other.identity).toEqual([
				['audio', null],
				['video', null]
			]);
			// Audio frames do come out of the decoder (noise from ciphertext, or silence): the tone never does.
			expect(other.tracks.find((t) => t.kind === 'audio')!.frames).toBeGreaterThan(0);
		}
	}, 60_000);
});
