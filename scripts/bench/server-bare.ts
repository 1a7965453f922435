/**
 * Benchmark child: a bare @y/websocket-server 0.1.1 (no authentication, no roles), the
 * baseline docs/benchmarks.md compares against. Started by scripts/bench/index.ts only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { docs, setupWSConnection } from '@y/websocket-server/utils';
import { serveIpc } from '../../tests/support/probe-ipc';

const wss = new WebSocketServer({ noServer: true });
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req)));
server.listen(0, '127.0.0.1', () => {
	serveIpc({ port: (server.address() as AddressInfo).port, documents: () => docs.size });
});
