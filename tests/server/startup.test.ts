import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * `npm start` with a bad setting stops before it listens, with a message that names the
 * setting; it never starts half-configured. The real entry point, as its own process.
 */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-never-used', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (c: Buffer) => (output += c.toString()));
		child.stderr.on('data', (c: Buffer) => (output += c.toString()));
		child.on('exit', (code) => resolve({ code, output }));
	});
}

describe('start-up with a bad setting', () => {
	const cases: [string, Record<string, string>, RegExp][] = [
		['a port that is not a number', { PORT: 'eighty' }, /PORT: must be a whole number/],
		['a signing key that is too short', { LINK_SECRET: 'short' }, /LINK_SECRET: must be at least 32 characters/],
		['half of the LiveKit settings', { LIVEKIT_URL: 'wss://media.example.org' }, /LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET/],
		['a proxy that is not an address', { TRUST_PROXY: 'proxy.example.org' }, /TRUST_PROXY: must be a comma-separated list of IP addresses/]
	];

	it.each(cases)('%s: exits 1 and names the setting, never listening', async (_what, env, message) => {
		const { code, output } = await start(env);
		expect(code).toBe(1);
		expect(output).toMatch(message);
		expect(output).not.toMatch(/ready/i);
	});
});
