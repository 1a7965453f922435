import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OverviewClient } from '../../src/lib/conference/overview-client.svelte';
import { cleanup, startServer, tick, tokenOf, waitFor, type TestServer } from './harness';

/**
 * The organiser's overview client, run in Node 22 against the real server on port 0 (as
 * room-client.test.ts runs the room's): it comes back by itself after a lost socket, and stops
 * for good, with a code for the screen, when coming back cannot help.
 */
let s: TestServer;
const clients: OverviewClient[] = [];
/** How many organiser tickets the clients asked for: one per attempt to connect. */
let tickets = 0;

beforeEach(async () => {
	s = await startServer();
	tickets = 0;
	const realFetch = globalThis.fetch;
	vi.stubGlobal('location', { protocol: 'http:', host: s.host });
	vi.stubGlobal('fetch', (input: string | URL, init?: RequestInit) => {
		if (String(input) === '/api/conferences/ticket') tickets++;
		return realFetch(new URL(String(input), s.base), init);
	});
});

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	vi.unstubAllGlobals();
	await cleanup();
});

async function organiserToken(): Promise<string> {
	const res = await s.post('/api/conferences', {
		name: 'Nordic Balint Days',
		timeZone: 'Europe/Stockholm',
		sessions: [{ start: '2027-03-10T09:00:00+01:00', minutes: 90 }],
		groups: [{ name: 'Group A' }, { name: 'Group B' }]
	});
	expect(res.status).toBe(201);
	return tokenOf((res.json as { organiserLink: string }).organiserLink);
}

function overviewClient(token: string): OverviewClient {
	const client = new OverviewClient(token);
	clients.push(client);
	return client;
}

describe('the organiser overview client', () => {
	it('shows every group once connected, and comes back by itself after its socket is lost', async () => {
		const overview = overviewClient(await organiserToken());
		await overview.start();
		await waitFor(() => overview.connected && Object.keys(overview.groups).length === 2, 'connected');
		// The server drops every organiser socket (the client sees 1006, a loss, not a refusal).
		s.app.conferences.close();
		await waitFor(() => !overview.connected, 'lost');
		await waitFor(() => overview.connected, 'back with a fresh ticket');
		expect(overview.problem).toBeNull();
		expect(tickets).toBe(2);
		expect(s.app.conferences.watcherCount).toBe(1);
	});

	it('a refused organiser link stops for good, with the API code, and asks no more tickets', async () => {
		const overview = overviewClient('not-a-real-token.AAAA');
		await overview.start();
		expect(overview.problem).toBe('link-invalid');
		expect(overview.connected).toBe(false);
		await tick(1000);
		expect(tickets).toBe(1);
	});

	it('a socket the server closes as malformed is not opened again', async () => {
		const overview = overviewClient(await organiserToken());
		await overview.start();
		await waitFor(() => overview.connected, 'connected');
		// Longer than a notice may be: the server closes the socket (4400).
		expect(overview.notice('x'.repeat(281))).toBe(true);
		await waitFor(() => overview.problem === 'malformed', 'stopped');
		expect(overview.connected).toBe(false);
		await tick(1000);
		expect(tickets).toBe(1);
		expect(s.app.conferences.watcherCount).toBe(0);
	});

	it('destroyed while its ticket is on the way, it opens no socket', async () => {
		const overview = overviewClient(await organiserToken());
		const starting = overview.start();
		overview.destroy();
		await starting;
		await tick(50);
		expect(tickets).toBe(1);
		expect(overview.connected).toBe(false);
		expect(s.app.conferences.watcherCount).toBe(0);
	});
});
