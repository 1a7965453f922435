/**
 * A child process: Balint Room's server core on a free loopback port, in a process of its own
 * so that a crash shows as one. Reports memory after gc, rooms, CPU and handles over IPC.
 * Started through `startProbedServer(PROBED_APP)` (probed-server.ts): the crash and fuzz
 * tests and the benchmarks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/lib/server/app';
import { loadConfig } from '../../src/lib/server/config';
import { createLogger } from '../../src/lib/server/log';
import { serveIpc } from './probe-ipc';

const config = loadConfig({
	LINK_SECRET: 'bench'.repeat(10),
	LOG_LEVEL: 'silent',
	RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '100000',
	TRUST_PROXY: process.env.TRUST_PROXY,
	EMPTY_ROOM_GRACE_SECONDS: '0',
	HEARTBEAT_SECONDS: '60',
	// A run may widen one socket's share (the fuzzer, to reach every handler with every frame).
	SOCKET_MESSAGES_PER_SECOND: process.env.SOCKET_MESSAGES_PER_SECOND,
	SOCKET_MESSAGE_BURST: process.env.SOCKET_MESSAGE_BURST
});
const app = createApp(config, createLogger('silent'));
const server = createServer(async (req, res) => {
	if (!(await app.handleRequest(req, res))) res.writeHead(404).end();
});
server.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head) || socket.destroy());
server.listen(0, '127.0.0.1', () => {
	serveIpc({ port: (server.address() as AddressInfo).port, documents: () => app.rooms.size });
});
