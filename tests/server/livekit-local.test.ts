import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execSync, spawn } from 'node:child_process';
import pino from 'pino';
import { RoomServiceClient } from 'livekit-server-sdk';
import { findLiveKit, findOnPath, toolBinary } from '../../src/lib/server/livekit-binary';
import { liveKitConfig, localLiveKit, type LocalLiveKit } from '../../src/lib/server/livekit-local';
import { freeLiveKitPorts, liveKitBinary } from '../support/livekit';
import { cleanup, startServer, waitFor } from './harness';

/** A logger whose lines the test can read. */
function recordingLogger() {
	const lines: { level: number; msg: string }[] = [];
	const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
	return { logger, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

const dirs: string[] = [];
const owned: LocalLiveKit[] = [];
function tempDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	dirs.push(dir);
	return dir;
}
function own(lk: LocalLiveKit): LocalLiveKit {
	owned.push(lk);
	return lk;
}
afterEach(async () => {
	await cleanup();
	for (const lk of owned.splice(0)) await lk.stop();
	dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A stand-in executable: for failures the real server cannot be made to show on demand. */
function script(body: string): string {
	const file = join(tempDir('lk-stand-in-'), 'livekit-server');
	writeFileSync(file, body);
	chmodSync(file, 0o755);
	return file;
}

describe('finding livekit-server', () => {
	it('takes the project’s own build of the pinned version first, else one on PATH, else none', () => {
		const project = tempDir('lk-project-');
		const onPath = tempDir('lk-path-');
		expect(findLiveKit(project, onPath)).toBeNull();
		const operators = join(onPath, 'livekit-server');
		writeFileSync(operators, '#!/bin/sh\n');
		expect(findLiveKit(project, onPath), 'not executable').toBeNull();
		chmodSync(operators, 0o755);
		expect(findOnPath('livekit-server', `/nonexistent:${onPath}`)).toBe(operators);
		expect(findLiveKit(project, onPath)).toBe(operators);
		// The configuration is written for the pinned version: its build wins when it is there.
		const built = toolBinary(project);
		expect(built).toMatch(/\.tools\/livekit-v\d+\.\d+\.\d+\/livekit-server$/);
		mkdirSync(join(built, '..'), { recursive: true });
		writeFileSync(built, '#!/bin/sh\n');
		chmodSync(built, 0o755);
		expect(findLiveKit(project, onPath)).toBe(built);
	});
});

describe('the configuration the app gives its own LiveKit', () => {
	const config = liveKitConfig({ port: 17880, apiKey: 'APIabc', apiSecret: 's'.repeat(43), webhookUrl: 'http://127.0.0.1:3000/api/media/webhook' });
	it('keeps signalling and media on loopback, asks no outside server for anything, and lets only the app create rooms', () => {
		expect(config).toMatchObject({
			port: 17880,
			bind_addresses: ['127.0.0.1'],
			rtc: { tcp_port: 17881, udp_port: 17882, use_external_ip: false, node_ip: '127.0.0.1', ips: { includes: ['127.0.0.1/32'] } },
			turn: { enabled: false },
			room: { auto_create: false },
			webhook: { api_key: 'APIabc', urls: ['http://127.0.0.1:3000/api/media/webhook'] },
			logging: { level: 'warn' }
		});
		// LiveKit's default STUN servers (Google, Twilio) would be handed to every browser.
		expect((config.rtc as { stun_servers: string[] }).stun_servers).toEqual(['127.0.0.1:17882']);
	});
	it('makes a new key and secret on every start, never the public development keys', () => {
		const a = localLiveKit({ binary: '/nonexistent', port: 17880 });
		const b = localLiveKit({ binary: '/nonexistent', port: 17880 });
		expect(a.media.apiKey).not.toBe(b.media.apiKey);
		expect(a.media.apiSecret).not.toBe(b.media.apiSecret);
		expect(a.media.apiKey).not.toBe('devkey');
		expect(a.media.apiSecret.length).toBeGreaterThanOrEqual(32);
	});
});

describe('the real livekit-server, run by the app', () => {
	it('starts on loopback with its keys in no file and no command line, answers its API, and stops with the app', async () => {
		const port = await freeLiveKitPorts();
		const { logger, warnings } = recordingLogger();
		const lk = own(localLiveKit({ binary: liveKitBinary(), port, logger }));
		expect(await lk.start('http://127.0.0.1:9/api/media/webhook')).toBe(true);
		const pid = lk.pid!;
		expect(pid).toBeGreaterThan(0);
		// The configuration is only in the process's environment, which only its own user can read:
		// not on its command line (any local user can read that) and not in a file it was pointed at.
		const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
		expect(cmdline).not.toContain(lk.media.apiSecret);
		expect(cmdline).not.toContain('--config');
		expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toContain(lk.media.apiSecret);
		// Nothing of it listens beyond loopback but its ICE-over-TCP port, which LiveKit binds on every
		// address (its code takes no address for it; docs/media.md).
		const listening = execSync(`ss -lntupH | grep 'pid=${pid},' || true`, { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
		expect(listening.length).toBeGreaterThan(0);
		for (const line of listening.filter((l) => !l.includes(`:${port + 1} `))) expect(line, line).toMatch(/\s127\.0\.0\.1:\d+\s/);
		// Its room API works with the keys, and refuses others.
		const rooms = new RoomServiceClient(`http://127.0.0.1:${port}`, lk.media.apiKey, lk.media.apiSecret);
		expect(await rooms.listRooms()).toEqual([]);
		await expect(new RoomServiceClient(`http://127.0.0.1:${port}`, lk.media.apiKey, 'x'.repeat(43)).listRooms()).rejects.toThrow();
		await lk.stop();
		expect(() => process.kill(pid, 0), 'the process is gone').toThrow();
		expect(warnings()).toEqual([]);
	});

	it('stopped between a crash and its restart, it stays stopped', async () => {
		const port = await freeLiveKitPorts();
		const lk = own(localLiveKit({ binary: liveKitBinary(), port, restartDelayMs: 5000 }));
		expect(await lk.start('http://127.0.0.1:9/api/media/webhook')).toBe(true);
		process.kill(lk.pid!, 'SIGKILL');
		await waitFor(() => !lk.running, 'exit seen');
		await lk.stop();
		// Past the restart that was due: nothing comes back.
		await new Promise((r) => setTimeout(r, 5500));
		expect(lk.starts).toBe(1);
		expect(lk.running).toBe(false);
	});

	it('dies with the app, even when the app is killed with SIGKILL', async () => {
		const port = await freeLiveKitPorts();
		// An app of its own that runs a LiveKit and prints its pid, then is killed outright.
		const script = `import { localLiveKit } from './src/lib/server/livekit-local.ts';
			const lk = localLiveKit({ binary: ${JSON.stringify(liveKitBinary())}, port: ${port} });
			if (await lk.start('http://127.0.0.1:9/')) console.log('pid ' + lk.pid);
			setInterval(() => {}, 1000);`;
		const app = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
		const pid = await new Promise<number>((resolve, reject) => {
			let out = '';
			app.stdout!.on('data', (c: Buffer) => {
				out += c.toString();
				const m = /pid (\d+)/.exec(out);
				if (m) resolve(Number(m[1]));
			});
			app.once('exit', () => reject(new Error(`the app exited first: ${out}`)));
		});
		expect(() => process.kill(pid, 0), 'LiveKit runs').not.toThrow();
		app.kill('SIGKILL');
		await waitFor(
			() => {
				try {
					process.kill(pid, 0);
					return false;
				} catch {
					return true;
				}
			},
			'LiveKit gone with its app',
			10_000
		);
	});

	it('killed, it is started again by itself, with the same keys, and video stays on', async () => {
		const port = await freeLiveKitPorts();
		const { logger, warnings } = recordingLogger();
		const lk = own(localLiveKit({ binary: liveKitBinary(), port, logger }));
		expect(await lk.start('http://127.0.0.1:9/api/media/webhook')).toBe(true);
		const first = lk.pid!;
		process.kill(first, 'SIGKILL');
		await waitFor(() => lk.running && lk.pid !== first, 'running again', 20_000);
		expect(lk.starts).toBe(2);
		expect(lk.media.available()).toBe(true);
		const rooms = new RoomServiceClient(`http://127.0.0.1:${port}`, lk.media.apiKey, lk.media.apiSecret);
		expect(await rooms.listRooms()).toEqual([]);
		expect(warnings()).toEqual(['video: livekit-server exited; starting it again']);
	});
});

describe('when the app’s LiveKit cannot run', () => {
	it('a binary that cannot be started is logged and never crashes the app', async () => {
		const { logger, warnings } = recordingLogger();
		const lk = own(localLiveKit({ binary: join(tempDir('lk-missing-'), 'livekit-server'), port: await freeLiveKitPorts(), logger }));
		expect(await lk.start('http://127.0.0.1:9/')).toBe(false);
		expect(lk.media.available()).toBe(false);
		expect(warnings()).toEqual(['video: livekit-server is not running; rooms now run without video']);
	});

	it('one that keeps exiting at once (e.g. its port is taken) is given up after a few tries, and the app offers no video', async () => {
		const { logger, warnings } = recordingLogger();
		const lk = own(
			localLiveKit({ binary: script('#!/bin/sh\necho "port already in use" >&2\nexit 1\n'), port: await freeLiveKitPorts(), logger, maxRestarts: 1 })
		);
		const h = await startServer({}, (config) => void (config.media = lk.media));
		// The first start's answer is known at once; tries go on until given up.
		expect(await lk.start('http://127.0.0.1:9/')).toBe(false);
		await waitFor(() => !lk.media.available(), 'given up', 10_000);
		expect(lk.starts).toBe(2);
		expect(warnings().at(-1)).toBe('video: livekit-server is not running; rooms now run without video');

		expect((await h.request('GET', '/api/config')).json).toMatchObject({ video: false });
		const created = await h.createGroup();
		const leader = await h.connect(created.links.leader, 'Lena');
		expect(leader.last('admitted')).toMatchObject({ media: false }); // the room shows the no-video notice
		leader.send({ type: 'media-token' });
		expect(await leader.next('refused')).toMatchObject({ action: 'media-token', code: 'media-unavailable' });
	});

	it('when it dies for good mid-session, everyone already in a room is told there is no video now', async () => {
		const { logger } = recordingLogger();
		const lk = own(localLiveKit({ binary: liveKitBinary(), port: await freeLiveKitPorts(), logger, maxRestarts: 0 }));
		const h = await startServer({}, (config) => void (config.media = lk.media));
		expect(await lk.start(`${h.base}/api/media/webhook`)).toBe(true);
		const created = await h.createGroup();
		const leader = await h.connect(created.links.leader, 'Lena');
		expect(leader.last('admitted')).toMatchObject({ media: true });
		const member = await h.connect(created.links.member, 'Mats');

		process.kill(lk.pid!, 'SIGKILL');
		expect(await leader.next('media')).toEqual({ type: 'media', available: false });
		expect((await h.request('GET', '/api/config')).json).toMatchObject({ video: false });
		leader.send({ type: 'media-token' });
		expect(await leader.next('refused')).toMatchObject({ action: 'media-token', code: 'media-unavailable' });
		// Someone still in the lobby is not told (they learn it on admission), and nobody else is.
		leader.send({ type: 'admit', participantId: member.participantId });
		expect(await member.next('admitted')).toMatchObject({ media: false });
		expect(member.of('media')).toEqual([]);
	});
});
