import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanup, ServerClient } from './harness';

/**
 * `npm run dev` serves the same API and sync socket as `npm start`, through the Vite plugin
 * (server/dev-plugin.ts): a real Vite dev server on a free port, a group created through its
 * API, and a leader and a member who meet over its WebSocket.
 */
let vite: ViteDevServer;
let dataDir: string;
const saved = { DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: process.env.LOG_LEVEL };

beforeAll(async () => {
	dataDir = mkdtempSync(join(tmpdir(), 'balint-dev-'));
	process.env.DATA_DIR = dataDir;
	process.env.LOG_LEVEL = 'silent';
	vite = await createServer({ configFile: 'vite.config.ts', logLevel: 'silent', server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
	await vite.listen();
}, 60_000);

afterAll(async () => {
	await cleanup();
	await vite?.close();
	for (const [key, value] of Object.entries(saved)) {
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}
	rmSync(dataDir, { recursive: true, force: true });
});

it('the dev server answers the API and carries a session over its sync socket', async () => {
	const address = vite.httpServer!.address();
	if (!address || typeof address === 'string') throw new Error('dev server has no port');
	const dev = new ServerClient(`http://127.0.0.1:${address.port}`);
	const created = await dev.createGroup('Dev group');
	const leader = await dev.connect(created.links.leader, 'Lena');
	const member = await dev.connect(created.links.member, 'Max');
	expect(member.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });
	leader.send({ type: 'admit', participantId: member.participantId });
	await member.next('admitted');
	leader.send({ type: 'next-phase' });
	await member.waitState((s) => s.phase === 'opening');
	// The page itself is served too, with the app's security headers.
	const page = await dev.request('GET', '/');
	expect(page.status).toBe(200);
	expect(page.headers['x-frame-options']).toBe('DENY');
}, 60_000);
