import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';
import { cleanup, startServer } from './harness';

/** The lobby offers the device check only where there is video: the `waiting` message says so. */
const KEY = 'APIlobbykey';
const SECRET = 'lobby-secret-that-is-long-enough-for-hs256-0123456789';
let fake: FakeLiveKit | null = null;

afterEach(async () => {
	await cleanup();
	await fake?.close();
	fake = null;
});

describe('the waiting message', () => {
	it('says media: true when the installation has video, and false without', async () => {
		fake = await startFakeLiveKit(KEY, SECRET);
		const withVideo = await startServer({ LIVEKIT_URL: fake.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET });
		const a = await withVideo.createGroup('With video');
		const waiting = await withVideo.connect(a.links.member, 'Dana Dahl');
		expect(waiting.messages[0]).toMatchObject({ type: 'waiting', media: true });

		const without = await startServer();
		const b = await without.createGroup('Without video');
		const plain = await without.connect(b.links.member, 'Dana Dahl');
		expect(plain.messages[0]).toMatchObject({ type: 'waiting', media: false });
	});
});
