import { vi } from 'vitest';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { createApp, type BalintApp } from '../../src/lib/server/app';
import { loadConfig, type Config } from '../../src/lib/server/config';
import { createLogger } from '../../src/lib/server/log';
import type { SessionState } from '../../src/lib/session/state';
import type { ServerMessage } from '../../src/lib/sync/protocol';
import type { CreatedGroup, TicketAnswer } from '../../src/lib/sync/api-types';
import { readState } from '../../src/lib/sync/schema';

/**
 * The real server core behind a real `node:http` server on 127.0.0.1:0, and real `ws`
 * clients that keep a Yjs replica fed only by the server's y-protocols frames, exactly as
 * the browser client does. Nothing of the socket layer is mocked.
 *
 * Every server and client made here is remembered; call `cleanup()` in `afterEach`.
 */

export const LINK_SECRET = 'x'.repeat(40);

const servers = new Set<TestServer>();
const clients = new Set<Client>();
const sockets = new Set<WebSocket>();

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. Never measures time otherwise. */
/**
 * Lets the browser's own client code (RoomClient) run in Node against this server: `location`
 * names its host and `fetch` resolves the page's relative paths against it. Undo with
 * `vi.unstubAllGlobals()`.
 */
export function browserGlobalsFor(server: { host: string; base: string }): void {
	const realFetch = globalThis.fetch;
	vi.stubGlobal('location', { protocol: 'http:', host: server.host });
	vi.stubGlobal('fetch', (input: string | URL, init?: RequestInit) => realFetch(new URL(String(input), server.base), init));
}

export async function waitFor(check: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (check()) return;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

export const tick = (ms = 0) => new Promise<void>((r) => setTimeout(r, ms));

/** The signed token (`t`) and the media key (`k`) from a link's fragment. */
export function fragmentOf(link: string): { t: string; k: string; p: string | null } {
	const url = new URL(link);
	const params = new URLSearchParams(url.hash.slice(1));
	return { t: params.get('t') ?? '', k: params.get('k') ?? '', p: params.get('p') };
}

export const tokenOf = (link: string) => fragmentOf(link).t;

export interface HttpAnswer {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	json: any;
}

export interface ConnectOptions {
	seat?: string;
	/** The leaders' passphrase, for a leader link whose group has one. */
	passphrase?: string;
	/** Wait for the first control message (`admitted` or `waiting`); default true. */
	settle?: boolean;
	headers?: Record<string, string>;
}

/** A y-sync frame: `[0, step, payload]`. */
export function syncFrame(step: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, step);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

export class Client {
	readonly doc = new Y.Doc();
	readonly messages: ServerMessage[] = [];
	/** Every binary frame, as received. */
	readonly frames: Uint8Array[] = [];
	/** Sync step 2 answers received (the initial push and every answer to our step 1). */
	stepTwos = 0;
	updates = 0;
	/** Frames that were not y-sync (e.g. awareness): the server should never send any. */
	otherFrames = 0;
	closed: { code: number; reason: string } | null = null;
	readonly ws: WebSocket;

	constructor(
		readonly server: ServerClient,
		readonly answer: TicketAnswer,
		readonly token: string,
		headers: Record<string, string> = {}
	) {
		this.ws = new WebSocket(`${server.wsBase}/sync/${answer.group.id}?ticket=${encodeURIComponent(answer.ticket)}`, { headers });
		clients.add(this);
		this.ws.on('message', (data, isBinary) => {
			const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
			if (!isBinary) {
				this.messages.push(JSON.parse(bytes.toString('utf8')) as ServerMessage);
				return;
			}
			const frame = new Uint8Array(bytes);
			this.frames.push(frame);
			const decoder = decoding.createDecoder(frame);
			if (decoding.readVarUint(decoder) !== 0) {
				this.otherFrames += 1;
				return;
			}
			// The reply encoder is discarded, as in the browser client: the server drops writes anyway.
			const kind = syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.doc, 'server');
			if (kind === syncProtocol.messageYjsSyncStep2) this.stepTwos += 1;
			if (kind === syncProtocol.messageYjsUpdate) this.updates += 1;
		});
		this.ws.on('close', (code, reason) => {
			this.closed = { code, reason: reason.toString() };
		});
		this.ws.on('error', () => {
			/* the close event follows */
		});
	}

	get participantId(): string {
		return this.answer.participantId;
	}

	get seat(): string {
		return this.answer.seat;
	}

	get groupId(): string {
		return this.answer.group.id;
	}

	get admitted(): boolean {
		return this.messages.some((m) => m.type === 'admitted');
	}

	/** The replica, decoded; null while it holds nothing. */
	state(): SessionState | null {
		return readState(this.doc);
	}

	/** The replica, decoded; throws while it holds nothing. */
	must(): SessionState {
		const s = this.state();
		if (!s) throw new Error('replica is empty');
		return s;
	}

	opened(): Promise<void> {
		return new Promise((resolve, reject) => {
			if (this.ws.readyState === WebSocket.OPEN) return resolve();
			this.ws.once('open', () => resolve());
			this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
			this.ws.once('error', reject);
		});
	}

	send(message: unknown): void {
		this.ws.send(JSON.stringify(message));
	}

	sendText(text: string): void {
		this.ws.send(text);
	}

	sendBinary(frame: Uint8Array): void {
		this.ws.send(frame, { binary: true });
	}

	of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
		return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
	}

	last<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }> | undefined {
		return this.of(type).at(-1);
	}

	waitFor(check: (c: this) => boolean, what = 'client condition'): Promise<void> {
		return waitFor(() => check(this), what);
	}

	/** Waits for a control message of this type (and shape) beyond the first `after` of them. */
	async next<T extends ServerMessage['type']>(
		type: T,
		match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
		after = 0
	): Promise<Extract<ServerMessage, { type: T }>> {
		let found: Extract<ServerMessage, { type: T }> | undefined;
		await waitFor(() => (found = this.of(type).slice(after).find(match)) !== undefined, `${type} message`);
		return found!;
	}

	/** Waits until the replica matches. */
	async waitState(check: (s: SessionState) => boolean, what = 'replica state'): Promise<SessionState> {
		await waitFor(() => {
			const s = this.state();
			return s !== null && check(s);
		}, what);
		return this.must();
	}

	async waitClosed(): Promise<{ code: number; reason: string }> {
		await waitFor(() => this.closed !== null, 'socket close');
		return this.closed!;
	}

	/**
	 * A round trip through the server on this socket. Frames on one socket are handled in
	 * order, so when it returns the server has handled everything sent before, and whatever
	 * it sent to this client before has arrived. Admitted clients use a sync step 1 (answered
	 * with a step 2), waiting ones a control message the server refuses.
	 */
	async barrier(): Promise<void> {
		if (this.admitted) {
			const before = this.stepTwos;
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeSyncStep1(encoder, this.doc);
			this.sendBinary(encoding.toUint8Array(encoder));
			await waitFor(() => this.stepTwos > before, 'sync round trip');
		} else {
			const before = this.of('refused').length;
			this.send({ type: 'ask-help', on: true });
			await waitFor(() => this.of('refused').length > before, 'refusal round trip');
		}
	}

	async close(): Promise<void> {
		clients.delete(this);
		if (this.ws.readyState === WebSocket.CLOSED) return;
		if (this.ws.readyState !== WebSocket.CLOSING) this.ws.close(1000);
		await new Promise<void>((r) => (this.ws.readyState === WebSocket.CLOSED ? r() : this.ws.once('close', () => r())));
	}
}

/** HTTP and WebSocket access to a running server, in this process or another. */
export class ServerClient {
	base = '';
	wsBase = '';
	host = '';

	constructor(base?: string) {
		if (base) this.at(base);
	}

	protected at(base: string): void {
		const url = new URL(base);
		this.host = url.host;
		this.base = `http://${this.host}`;
		this.wsBase = `ws://${this.host}`;
	}

	/** A raw HTTP request; `body` as given, so tests control bytes and headers. */
	request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, chunked = false): Promise<HttpAnswer> {
		return new Promise((resolve, reject) => {
			const finalHeaders: Record<string, string> = { ...headers };
			if (body !== undefined && !chunked && !('content-length' in finalHeaders)) finalHeaders['content-length'] = String(Buffer.byteLength(body));
			let answered = false;
			const req = request(`${this.base}${path}`, { method, headers: finalHeaders, agent: false }, (res) => {
				answered = true;
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = JSON.parse(text);
					} catch {
						json = null;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
			});
			// The server may answer (413) and close before it has read everything we send: a write
			// error then is no failure. Only a request that ends with no answer at all is one.
			let failure: Error | null = null;
			req.on('error', (error) => (failure = error));
			req.on('close', () => {
				if (!answered) reject(failure ?? new Error('connection closed without an answer'));
			});
			if (body !== undefined && chunked) {
				const bytes = Buffer.from(body);
				for (let i = 0; i < bytes.length; i += 4096) req.write(bytes.subarray(i, i + 4096));
				req.end();
			} else req.end(body);
		});
	}

	post(path: string, json: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
		return this.request('POST', path, JSON.stringify(json), { 'content-type': 'application/json', ...headers });
	}

	async createGroup(name = 'Thursday group', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<CreatedGroup> {
		const res = await this.post('/api/groups', { name, ...extra }, headers);
		if (res.status !== 201) throw new Error(`create group: ${res.status} ${res.text}`);
		return res.json as CreatedGroup;
	}

	async ticket(link: string, name: string, seat?: string, passphrase?: string): Promise<TicketAnswer> {
		const res = await this.post('/api/tickets', { token: tokenOf(link), name, ...(seat ? { seat } : {}), ...(passphrase !== undefined ? { passphrase } : {}) });
		if (res.status !== 200) throw new Error(`ticket: ${res.status} ${res.text}`);
		return res.json as TicketAnswer;
	}

	/** Ticket, socket, and (by default) the first control message. */
	async connect(link: string, name: string, options: ConnectOptions = {}): Promise<Client> {
		const answer = await this.ticket(link, name, options.seat, options.passphrase);
		const client = new Client(this, answer, tokenOf(link), options.headers);
		await client.opened();
		if (options.settle !== false) await client.waitFor((c) => c.messages.length > 0, `${answer.role} settles`);
		return client;
	}

	/** Tries a WebSocket upgrade; answers the HTTP status (101 when it opened). */
	tryUpgrade(path: string, headers: Record<string, string> = {}): Promise<number> {
		return new Promise((resolve) => {
			const ws = new WebSocket(`${this.wsBase}${path}`, { headers });
			ws.once('open', () => {
				ws.terminate();
				resolve(101);
			});
			ws.once('unexpected-response', (req, res) => {
				resolve(res.statusCode ?? 0);
				res.resume();
				req.destroy();
			});
			ws.on('error', () => resolve(-1));
		});
	}
}

/** The real server core behind a real `node:http` server on 127.0.0.1:0, in this process. */
export class TestServer extends ServerClient {
	readonly app: BalintApp;
	readonly http: Server;
	/** Every line the server logged (at the LOG_LEVEL given; silent by default). */
	readonly log: string[] = [];
	/** The server's data directory: the caller's DATA_DIR, or one made for this server and removed with it. */
	readonly dataDir: string;
	readonly #ownDataDir: boolean;
	#closed = false;

	/** `configure` adjusts the loaded configuration the way server/index.ts does (e.g. dev LiveKit). */
	constructor(
		readonly env: Record<string, string>,
		configure?: (config: Config) => void
	) {
		super();
		this.#ownDataDir = !env.DATA_DIR;
		this.dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'balint-test-'));
		const config = loadConfig({
			LINK_SECRET,
			DATA_DIR: this.dataDir,
			EMPTY_ROOM_GRACE_SECONDS: '0',
			RATE_LIMIT_PER_MINUTE: '100000',
			LOG_LEVEL: 'silent',
			...env
		});
		configure?.(config);
		this.app = createApp(config, createLogger(config.logLevel, { write: (line: string) => void this.log.push(line) }));
		this.http = createServer(async (req, res) => {
			if (!(await this.app.handleRequest(req, res))) res.writeHead(404).end();
		});
		this.http.on('upgrade', (req, socket, head) => this.app.handleUpgrade(req, socket, head) || socket.destroy());
	}

	async listen(): Promise<this> {
		await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
		this.at(`http://127.0.0.1:${(this.http.address() as AddressInfo).port}`);
		servers.add(this);
		return this;
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		servers.delete(this);
		this.app.close();
		this.http.closeAllConnections();
		await new Promise<void>((r) => this.http.close(() => r()));
		if (this.#ownDataDir) rmSync(this.dataDir, { recursive: true, force: true });
	}
}

/** Opens any WebSocket path (e.g. the organiser overview) and records its JSON messages from the first frame. */
export async function openJsonSocket(server: ServerClient, path: string): Promise<{ ws: WebSocket; messages: any[] }> {
	const ws = new WebSocket(`${server.wsBase}${path}`);
	const messages: any[] = [];
	ws.on('message', (data, isBinary) => {
		if (!isBinary) messages.push(JSON.parse(data.toString()));
	});
	sockets.add(ws);
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	return { ws, messages };
}

export async function startServer(env: Record<string, string> = {}, configure?: (config: Config) => void): Promise<TestServer> {
	return new TestServer(env, configure).listen();
}

/** Closes every client, then every server, this harness made. Call in `afterEach`. */
export async function cleanup(): Promise<void> {
	const open = [...clients];
	clients.clear();
	for (const c of open) c.ws.terminate();
	for (const ws of sockets) ws.terminate();
	sockets.clear();
	for (const s of [...servers]) await s.close();
}

/**
 * `POST /api/links/current` or `/api/links/replace` as a leader's page in the room asks: with
 * their link's token and their seat, which the running room must admit (group-links.ts).
 */
export function askLink(server: ServerClient, path: 'current' | 'replace', leader: Client, role: string): Promise<HttpAnswer> {
	return server.post(`/api/links/${path}`, { token: leader.token, role, seat: leader.seat });
}

/** A group with a leader in the room and, optionally, admitted members and an observer. */
export async function session(
	server: ServerClient,
	{ members = 1, observer = false, coLeader = false }: { members?: number; observer?: boolean; coLeader?: boolean } = {}
) {
	const created = await server.createGroup();
	const leader = await server.connect(created.links.leader, 'Lena Leader');
	const co = coLeader ? await server.connect(created.links.coLeader, 'Carl Co') : null;
	// Arriving after the leader, the co-leader waits at the door until the leader lets them in (issue 15).
	if (co) {
		leader.send({ type: 'admit', participantId: co.participantId });
		await co.next('admitted');
	}
	const people: Client[] = [];
	for (let i = 0; i < members; i++) people.push(await server.connect(created.links.member, `Member ${i + 1}`));
	const obs = observer ? await server.connect(created.links.observer, 'Olga Observer') : null;
	for (const c of [...people, ...(obs ? [obs] : [])]) {
		leader.send({ type: 'admit', participantId: c.participantId });
		await c.next('admitted');
	}
	const everyone = [leader, ...(co ? [co] : []), ...people, ...(obs ? [obs] : [])];
	await waitFor(() => everyone.every((c) => Object.keys(c.state()?.participants ?? {}).length === everyone.length), 'everyone in every roster');
	return { created, leader, co, members: people, observer: obs, everyone };
}
