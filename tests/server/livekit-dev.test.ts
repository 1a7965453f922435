import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { devLiveKitFromPath, findOnPath, startDevLiveKit } from '../../src/lib/server/livekit-dev';
import { cleanup, startServer, waitFor } from './harness';

/** A logger whose lines the test can read. */
function recordingLogger() {
	const lines: { level: number; msg: string }[] = [];
	const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
	return { logger, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

/**
 * `npm start` runs `livekit-server --dev` when it is on PATH. No LiveKit binary exists here,
 * so a stand-in script on a temporary PATH records how it is started and stopped.
 */
describe('livekit-server on PATH', () => {
	const dirs: string[] = [];
	afterEach(async () => {
		await cleanup();
		dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
	});

	function pathWith(script: string): string {
		const dir = mkdtempSync(join(tmpdir(), 'lk-dev-'));
		dirs.push(dir);
		writeFileSync(join(dir, 'livekit-server'), script);
		chmodSync(join(dir, 'livekit-server'), 0o755);
		return dir;
	}

	it('is found only when executable and on PATH', () => {
		const dir = mkdtempSync(join(tmpdir(), 'lk-path-'));
		dirs.push(dir);
		const file = join(dir, 'livekit-server');
		writeFileSync(file, '#!/bin/sh\n');
		expect(findOnPath('livekit-server', dir)).toBeNull();
		chmodSync(file, 0o755);
		expect(findOnPath('livekit-server', `/nonexistent:${dir}`)).toBe(file);
		expect(findOnPath('livekit-server', '/nonexistent')).toBeNull();
	});

	it('is started in dev mode on loopback and stopped on exit', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'lk-run-'));
		dirs.push(dir);
		const log = join(dir, 'log');
		const file = join(dir, 'livekit-server');
		writeFileSync(file, `#!/bin/sh\necho "$@" > ${log}\ntrap 'echo stopped >> ${log}; exit 0' TERM\nwhile true; do sleep 0.05; done\n`);
		chmodSync(file, 0o755);
		const { logger, warnings } = recordingLogger();
		const dev = startDevLiveKit(file, logger);
		expect(dev.media).toMatchObject({ url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'secret' });
		// The shell makes the file before echo fills it: wait for the line itself.
		await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('\n'), 'the stand-in started');
		expect(readFileSync(log, 'utf8').trim()).toBe('--dev --bind 127.0.0.1');
		expect(dev.running).toBe(true);
		expect(dev.media.available()).toBe(true);
		dev.stop();
		await waitFor(() => readFileSync(log, 'utf8').includes('stopped'), 'the stand-in stopped');
		await waitFor(() => dev.running === false, 'exit seen');
		expect(warnings()).toEqual([]); // stopping on purpose is no failure
	});

	it('a binary that cannot be started is logged and never crashes the app', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'lk-missing-'));
		dirs.push(dir);
		const { logger, warnings } = recordingLogger();
		// Passed the PATH check, gone by the time it is spawned: spawn reports ENOENT as an 'error' event.
		const dev = startDevLiveKit(join(dir, 'livekit-server'), logger);
		await waitFor(() => dev.running === false, 'spawn failure seen');
		expect(dev.media.available()).toBe(false);
		expect(warnings()).toHaveLength(1);
		dev.stop();
	});

	it('when livekit-server exits at once (e.g. port 7880 busy), the app stops offering video', async () => {
		const { logger, warnings } = recordingLogger();
		const dev = devLiveKitFromPath(logger, pathWith('#!/bin/sh\necho "port 7880 already in use" >&2\nexit 1\n'));
		expect(dev).not.toBeNull();
		// Wired as server/index.ts does it.
		const h = await startServer({}, (config) => void (config.media = dev!.media));
		await waitFor(() => dev!.running === false, 'exit seen');
		expect(warnings()).toHaveLength(1);

		expect((await h.request('GET', '/api/config')).json).toMatchObject({ video: false });
		const created = await h.createGroup();
		const leader = await h.connect(created.links.leader, 'Lena');
		expect(leader.last('admitted')).toMatchObject({ media: false }); // the room shows the no-video notice
		leader.send({ type: 'media-token' });
		expect(await leader.next('refused')).toMatchObject({ action: 'media-token', code: 'media-unavailable' });
	});

	it('when livekit-server dies mid-session, everyone already in a room is told there is no video now', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'lk-dies-'));
		dirs.push(dir);
		const pidFile = join(dir, 'pid');
		const { logger, warnings } = recordingLogger();
		const dev = devLiveKitFromPath(logger, pathWith(`#!/bin/sh\necho $$ > ${pidFile}\nwhile true; do sleep 0.05; done\n`));
		const h = await startServer({}, (config) => void (config.media = dev!.media));
		const created = await h.createGroup();
		const leader = await h.connect(created.links.leader, 'Lena');
		expect(leader.last('admitted')).toMatchObject({ media: true });
		const member = await h.connect(created.links.member, 'Mats');
		await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'stand-in running');

		process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
		expect(await leader.next('media')).toEqual({ type: 'media', available: false });
		expect(warnings()).toHaveLength(1);
		expect((await h.request('GET', '/api/config')).json).toMatchObject({ video: false });
		leader.send({ type: 'media-token' });
		expect(await leader.next('refused')).toMatchObject({ action: 'media-token', code: 'media-unavailable' });
		// Someone still in the lobby is not told (they learn it on admission), and nobody else is.
		leader.send({ type: 'admit', participantId: member.participantId });
		expect(await member.next('admitted')).toMatchObject({ media: false });
		expect(member.of('media')).toEqual([]);
		dev!.stop();
	});
});
