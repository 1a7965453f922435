import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { createApp, type BalintApp } from '../../src/lib/server/app';
import { loadConfig } from '../../src/lib/server/config';
import { createLogger } from '../../src/lib/server/log';

/**
 * The real server core behind a real HTTP server on port 0, and real WebSocket clients
 * that keep a Yjs replica fed by the server's frames. No mocks of the socket layer.
 */
export interface Harness {
	app: BalintApp;
	base: string;
	post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
	connect(link: string, name: string): Promise<TestClient>;
	/** Opens a socket and records its JSON messages from the first frame on. */
	open(path: string): Promise<{ ws: WebSocket; messages: any[] }>;
	close(): Promise<void>;
}

export interface TestClient {
	ws: WebSocket;
	doc: Y.Doc;
	messages: Record<string, any>[];
	participantId: string;
	seat: string;
	send(message: unknown): void;
}

export async function until(check: () => boolean, what: string, tries = 500): Promise<void> {
	for (let i = 0; i < tries; i++) {
		if (check()) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error(`timed out waiting for ${what}`);
}

export function tokenOf(link: string): string {
	return new URLSearchParams(link.split('#')[1]).get('t')!;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
	const config = loadConfig({ LINK_SECRET: 'k'.repeat(40), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', EMPTY_ROOM_GRACE_SECONDS: '0', ...env });
	const app = createApp(config, createLogger('silent'));
	const server: Server = createServer(async (req, res) => {
		if (!(await app.handleRequest(req, res))) res.writeHead(404).end();
	});
	server.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head) || socket.destroy());
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
	const sockets: WebSocket[] = [];

	async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
		const res = await fetch(`http://${base}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});
		return { status: res.status, body: (await res.json().catch(() => null)) as any };
	}

	async function open(path: string): Promise<{ ws: WebSocket; messages: any[] }> {
		const ws = new WebSocket(`ws://${base}${path}`);
		const messages: any[] = [];
		ws.on('message', (data, isBinary) => {
			if (!isBinary) messages.push(JSON.parse(data.toString()));
		});
		sockets.push(ws);
		await new Promise((resolve, reject) => {
			ws.once('open', resolve);
			ws.once('error', reject);
		});
		return { ws, messages };
	}

	async function connect(link: string, name: string): Promise<TestClient> {
		const { body } = await post('/api/tickets', { token: tokenOf(link), name });
		const doc = new Y.Doc();
		const messages: Record<string, any>[] = [];
		const ws = new WebSocket(`ws://${base}/sync/${body.group.id}?ticket=${body.ticket}`);
		sockets.push(ws);
		ws.on('message', (data, isBinary) => {
			if (!isBinary) return void messages.push(JSON.parse(data.toString()));
			const decoder = decoding.createDecoder(new Uint8Array(data as Buffer));
			if (decoding.readVarUint(decoder) === 0) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'server');
		});
		await new Promise((r) => ws.once('open', r));
		return { ws, doc, messages, participantId: body.participantId, seat: body.seat, send: (m) => ws.send(JSON.stringify(m)) };
	}

	return {
		app,
		base,
		post,
		connect,
		open,
		async close() {
			for (const ws of sockets) ws.terminate();
			app.close();
			await new Promise((r) => server.close(r));
		}
	};
}
