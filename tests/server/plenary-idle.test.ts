import { describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { PlenaryRegistry } from '../../src/lib/server/plenary/registry';
import type { PlenaryStatus } from '../../src/lib/sync/api-types';
import { waitFor } from './harness';

/**
 * An open plenary nobody is in ends by itself (an organiser who forgot, or whose link expired):
 * otherwise a server's open plenaries would fill up for good. The registry and its rooms are the
 * real ones, with a short idle time; the one socket is a real one on port 0.
 */
describe('an open plenary nobody is in', () => {
	it('ends by itself after its idle time, and not while someone is in', async () => {
		const told: [string, PlenaryStatus][] = [];
		const registry = new PlenaryRegistry({ media: null, idleMs: 300, onStatus: (id, status) => told.push([id, status]) });
		expect(registry.open('conference-idle-1', 'Nobody came')).toBe(true);
		expect(registry.open('conference-idle-2', 'Someone came')).toBe(true);

		const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
		await new Promise((resolve) => server.once('listening', resolve));
		const port = (server.address() as AddressInfo).port;
		server.on('connection', (ws) =>
			registry.get('conference-idle-2')!.attach(ws, {
				conferenceId: 'conference-idle-2',
				participantId: 'participant-1',
				name: 'Ada',
				role: 'participant',
				organiser: false,
				group: 'Group A',
				share: null
			})
		);
		const client = new WebSocket(`ws://127.0.0.1:${port}`);
		await new Promise((resolve) => client.once('open', resolve));
		await waitFor(() => registry.get('conference-idle-2')?.headcount === 1, 'Ada in');

		await waitFor(() => registry.get('conference-idle-1') === undefined, 'the empty plenary ended', 5000);
		expect(told.some(([id, s]) => id === 'conference-idle-1' && !s.open)).toBe(true);
		// Someone in it: it stays open past its idle time…
		await new Promise((resolve) => setTimeout(resolve, 600));
		expect(registry.get('conference-idle-2')).toBeDefined();
		// …and once the last one has gone, it ends after it.
		const closed = new Promise<number>((resolve) => client.once('close', resolve));
		client.close();
		await closed;
		await waitFor(() => registry.get('conference-idle-2') === undefined, 'the plenary ended once empty', 5000);
		registry.closeAll();
		server.close();
	});
});
