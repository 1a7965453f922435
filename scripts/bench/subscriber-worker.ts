/**
 * One child process of media-scale.ts's subscribers (subscriber-pool.ts forks several): rtc-node
 * 1.1.0 fails connects ("handle not found") from about the 9th-11th participant in one process,
 * so each process holds a few. It joins on the parent's word and reports over the IPC channel,
 * every time on the machine's clock (epoch ms) so the parent can compare them with its own.
 */
import { dispose } from '@livekit/rtc-node';
import { rtcSubscriber, type RtcSubscriber } from '../../tests/support/rtc-subscriber';
import type { FromWorker, ToWorker } from './subscriber-pool';

const epoch = (at: number) => performance.timeOrigin + at;
const subscribers = new Map<number, RtcSubscriber>();
const send = (message: FromWorker) => process.send?.(message);

// The stray "trying to drop an invalid handle" after a failed connect (see media-scale.ts): counted, not fatal.
process.on('uncaughtException', (error: Error & { code?: string }) => {
	if (error.code === 'GenericFailure' && /invalid handle/.test(error.message)) return void send({ type: 'dropped-handle' });
	console.error(error);
	process.exit(1);
});

async function join(m: Extract<ToWorker, { type: 'join' }>): Promise<void> {
	try {
		const s = await rtcSubscriber(m.url, m.token, { mediaKey: m.mediaKey, toneHz: m.toneHz, keepReading: m.keepReading, connectTimeoutMs: m.connectTimeoutMs });
		subscribers.set(m.id, s);
		send({ type: 'connected', id: m.id, at: epoch(s.connectedAt) });
		const toned = new Set(m.toned);
		const [pictures, tones] = await Promise.all([
			s.firstFrames('video', m.pictures, m.limitMs),
			s.firstFrames('audio', toned.size, m.limitMs, (identity) => toned.has(identity))
		]);
		send({ type: 'decoded', id: m.id, pictures: pictures.map((t) => epoch(t.firstFrameAt!)), tones: tones.map((t) => epoch(t.firstFrameAt!)) });
	} catch (error) {
		send({ type: 'failed', id: m.id, message: (error as Error).message });
	}
}

process.on('message', (m: ToWorker) => {
	if (m.type === 'join') void join(m);
	else if (m.type === 'frames') {
		const s = subscribers.get(m.id);
		send({ type: 'frames', id: m.id, frames: s ? s.tracks.filter((t) => t.kind === 'video').reduce((sum, t) => sum + t.frames, 0) : 0 });
	} else if (m.type === 'leave') {
		void (async () => {
			for (const s of subscribers.values()) await s.leave().catch(() => undefined);
			subscribers.clear();
			await dispose().catch(() => undefined);
			process.exit(0);
		})();
	}
});
// The parent gone (a hard stop, a crash): nobody is left in the media room from here.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
