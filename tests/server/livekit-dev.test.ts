import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, startDevLiveKit } from '../../src/lib/server/livekit-dev';

/**
 * `npm start` runs `livekit-server --dev` when it is on PATH. No LiveKit binary exists here,
 * so a stand-in script on a temporary PATH records how it is started and stopped.
 */
describe('livekit-server on PATH', () => {
	const dirs: string[] = [];
	afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

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
		const dev = startDevLiveKit(file);
		expect(dev.media).toEqual({ url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'secret' });
		for (let i = 0; i < 200 && !existsSync(log); i++) await new Promise((r) => setTimeout(r, 10));
		expect(readFileSync(log, 'utf8').trim()).toBe('--dev --bind 127.0.0.1');
		dev.stop();
		for (let i = 0; i < 200 && !readFileSync(log, 'utf8').includes('stopped'); i++) await new Promise((r) => setTimeout(r, 10));
		expect(readFileSync(log, 'utf8')).toContain('stopped');
	});
});
