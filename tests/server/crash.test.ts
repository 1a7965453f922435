import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_WAITING } from '../../src/lib/sync/protocol';
import { PROBED_APP, startProbedServer, type ProbedServer } from '../support/probed-server';
import { cleanup, ServerClient, tokenOf, waitFor } from './harness';

/**
 * One person's bad request must never end the process: that would end every group's session
 * at once. The server runs in a process of its own here, so that a crash is seen as a crash
 * (tests/support/probed-app.ts, the same server core as `npm start`).
 */
let server: ProbedServer | null = null;
afterEach(async () => {
	await cleanup();
	server?.stop();
	server = null;
});

/** Sends raw bytes; answers the first line the server sent back ('' when it just closed). */
function raw(port: number, bytes: string): Promise<string> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
		let answer = '';
		socket.on('data', (chunk) => (answer += chunk.toString()));
		socket.on('error', () => undefined);
		socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
		setTimeout(() => socket.destroy(), 10_000).unref();
	});
}

async function stillServing(s: ServerClient): Promise<void> {
	expect(server!.alive(), 'the server process is still running').toBe(true);
	expect((await s.request('GET', '/api/health')).status).toBe(200);
}

it('an upgrade whose path is no URL at all is refused with 400, not thrown', async () => {
	server = await startProbedServer(PROBED_APP);
	const s = new ServerClient(`http://127.0.0.1:${server.port}`);
	for (const path of ['//:99999', '//[', '//a:b@:x/sync/x']) {
		const upgrade = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
		expect(await raw(server.port, upgrade), path).toBe('HTTP/1.1 400 Bad Request');
	}
	await stillServing(s);
});

it('a bad frame on a socket the server has just closed (a full lobby) ends that socket only', async () => {
	server = await startProbedServer(PROBED_APP);
	const s = new ServerClient(`http://127.0.0.1:${server.port}`);
	const created = await s.createGroup('Crash group');
	const leader = await s.connect(created.links.leader, 'Lena');
	for (let i = 0; i < MAX_WAITING; i++) await s.connect(created.links.member, `Flood ${i}`);
	await waitFor(() => leader.last('lobby')?.waiting.length === MAX_WAITING, 'a full lobby');

	// The next one is closed at once with 4429; it answers with a frame over the size limit.
	const ticket = (await s.post('/api/tickets', { token: tokenOf(created.links.member), name: 'Over' })).json as { ticket: string; group: { id: string } };
	const ws = new WebSocket(`${s.wsBase}/sync/${ticket.group.id}?ticket=${encodeURIComponent(ticket.ticket)}`);
	ws.on('error', () => undefined);
	ws.on('open', () => ws.send(Buffer.alloc(MAX_FRAME_BYTES + 1024)));
	const closed = await new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
	expect([4429, 1009, 1006]).toContain(closed);

	await stillServing(s);
	// The group itself goes on: the leader is still there and can act.
	leader.send({ type: 'next-phase' });
	await waitFor(() => leader.state()?.phase === 'opening', 'the leader still steers');
});
