import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, OVERVIEW_PATH, SYNC_PATH } from '../sync/protocol';
import { handleApi, type ApiDeps } from './api';
import type { Config } from './config';
import { securityHeaders } from './http';
import { Signer } from './links';
import { MediaService } from './media';
import type { Logger } from './log';
import { RateLimiter } from './rate-limit';
import { RoomRegistry } from './rooms';
import { TicketStore, type OrganiserIdentity } from './tickets';
import { ConferenceHub } from './conference';

/**
 * The server core, shared by `npm start` (server/index.ts) and `npm run dev` (the Vite
 * plugin): the JSON API and the authenticated WebSocket upgrade. It owns the rooms, the
 * tickets and the heartbeat, and releases them all in `close`.
 */
export interface BalintApp {
	/** Answers `/api/*` and sets security headers; false when the request is not the API's. */
	handleRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
	/** Takes a sync upgrade; false when the path is not the sync path (e.g. Vite's HMR). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	readonly rooms: RoomRegistry;
	readonly tickets: TicketStore;
	readonly conferences: ConferenceHub;
	close(): void;
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
	socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

function sameHost(origin: string, host: string | undefined): boolean {
	try {
		return new URL(origin).host === host;
	} catch {
		return false;
	}
}

export function createApp(config: Config, logger: Logger): BalintApp {
	const signer = new Signer(config.linkSecret);
	const tickets = new TicketStore(config.ticketTtlSeconds);
	const media = config.media ? new MediaService({ ...config.media, tokenTtlSeconds: 600, maxParticipants: 16 }, logger) : null;
	const rooms = new RoomRegistry(config.emptyRoomGraceSeconds * 1000, media);
	const conferences = new ConferenceHub(rooms);
	const organiserTickets = new TicketStore<OrganiserIdentity>(config.ticketTtlSeconds);
	const deps: ApiDeps = {
		config,
		rooms,
		organiserTickets,
		media,
		logger,
		signer,
		tickets,
		limits: {
			tickets: new RateLimiter(config.rateLimitPerMinute),
			groups: new RateLimiter(Math.max(1, Math.floor(config.rateLimitPerMinute / 2)))
		}
	};
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
	const alive = new WeakMap<WebSocket, boolean>();
	const heartbeat = setInterval(() => {
		for (const ws of wss.clients) {
			if (alive.get(ws) === false) {
				ws.terminate();
				continue;
			}
			alive.set(ws, false);
			ws.ping();
		}
		tickets.sweep();
		organiserTickets.sweep();
	}, config.heartbeatSeconds * 1000);
	heartbeat.unref();

	/** The organiser's overview socket: same rules as the sync socket, its own tickets. */
	function upgradeOverview(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
		socket.on('error', () => socket.destroy());
		const conferenceId = url.pathname.slice(OVERVIEW_PATH.length + 1);
		const origin = req.headers.origin;
		if (origin && !sameHost(origin, req.headers.host)) {
			refuseUpgrade(socket, 403, 'Forbidden');
			return true;
		}
		const identity = organiserTickets.consume(url.searchParams.get('ticket') ?? '');
		if (!identity || identity.conferenceId !== conferenceId) {
			refuseUpgrade(socket, 401, 'Unauthorized');
			return true;
		}
		wss.handleUpgrade(req, socket, head, (ws) => {
			alive.set(ws, true);
			ws.on('pong', () => alive.set(ws, true));
			conferences.attach(ws, identity);
		});
		return true;
	}

	return {
		rooms,
		tickets,
		conferences,
		async handleRequest(req, res) {
			securityHeaders(res);
			try {
				return await handleApi(deps, req, res);
			} catch (error) {
				logger.error({ err: { message: (error as Error).message } }, 'api request failed');
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
				res.end('{"error":{"code":"internal","message":"Something went wrong on the server."}}');
				return true;
			}
		},
		handleUpgrade(req, socket, head) {
			const url = new URL(req.url ?? '/', 'http://localhost');
			if (url.pathname.startsWith(OVERVIEW_PATH + '/')) return upgradeOverview(req, socket, head, url);
			if (!url.pathname.startsWith(SYNC_PATH + '/')) return false;
			socket.on('error', () => socket.destroy());
			const groupId = url.pathname.slice(SYNC_PATH.length + 1);
			const origin = req.headers.origin;
			if (origin && !sameHost(origin, req.headers.host)) {
				refuseUpgrade(socket, 403, 'Forbidden');
				return true;
			}
			const identity = tickets.consume(url.searchParams.get('ticket') ?? '');
			if (!identity || identity.groupId !== groupId) {
				refuseUpgrade(socket, 401, 'Unauthorized');
				return true;
			}
			wss.handleUpgrade(req, socket, head, (ws) => {
				alive.set(ws, true);
				ws.on('pong', () => alive.set(ws, true));
				rooms.open(identity.groupId, identity.plannedMinutes, identity.conferenceId ?? null).attach(ws, identity);
			});
			return true;
		},
		close() {
			clearInterval(heartbeat);
			conferences.close();
			organiserTickets.clear();
			rooms.closeAll();
			tickets.clear();
			for (const ws of wss.clients) ws.terminate();
			wss.close();
		}
	};
}
