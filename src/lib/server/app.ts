import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, MAX_FRAME_BYTES, OVERVIEW_PATH, SYNC_PATH } from '../sync/protocol';
import { DEFAULT_MEDIA_SEATS } from '../session/fishbowl';
import { PLENARY_PATH } from '../plenary/protocol';
import { handleApi } from './api';
import type { ApiDeps } from './api-deps';
import type { Config } from './config';
import { clientKey, mediaConnectSources, securityHeaders } from './http';
import { shutOut } from './group-links';
import { LinkGenerations } from './link-generations';
import { LeaderPassphrases } from './leader-passphrase';
import { Signer } from './links';
import { MediaService } from './media';
import type { Logger } from './log';
import { MemoryRateLimiter } from './rate-limit';
import { RoomRegistry } from './rooms';
import { MemoryTicketStore, type OrganiserIdentity, type TicketStore } from './tickets';
import { ConferenceHub } from './conference';
import { LocalConferenceBus } from './conference-bus';
import type { PlenaryIdentity } from './plenary/plenary-room';
import { PlenaryRegistry } from './plenary/registry';

/**
 * The server core, shared by `npm start` (server/index.ts) and `npm run dev` (the Vite
 * plugin): the JSON API and the authenticated WebSocket upgrade. It owns the rooms, the
 * tickets and the heartbeat, and releases them all in `close`.
 *
 * What several processes would have to share sits behind an interface, each made here with
 * its implementation for one process: the tickets (`TicketStore`), the rate limits
 * (`RateLimiter`), the replaced links (`LinkGenerationStore`) and the conference bus between
 * the rooms and the organisers' overview (`ConferenceBus`).
 */
export interface BalintApp {
	/** Answers `/api/*` and sets security headers; false when the request is not the API's. */
	handleRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
	/** Takes a sync upgrade; false when the path is not the sync path (e.g. Vite's HMR). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	readonly rooms: RoomRegistry;
	/** The sync tickets, in this process (tests count them). */
	readonly tickets: MemoryTicketStore;
	readonly conferences: ConferenceHub;
	/** The conferences' open plenaries (tests look in). */
	readonly plenaries: PlenaryRegistry;
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
	const tickets = new MemoryTicketStore(config.ticketTtlSeconds);
	const connectSources = mediaConnectSources(config.media?.url);
	// 16 seats for a group of unknown size (Balint groups are 5-10 with one or two leaders); conference
	// groups carry their own size in their links, and a demonstration group adds its observers.
	const media = config.media ? new MediaService({ ...config.media, tokenTtlSeconds: 600, maxParticipants: DEFAULT_MEDIA_SEATS }, logger) : null;
	const rooms = new RoomRegistry(config.emptyRoomGraceSeconds * 1000, media, config.socketLimits);
	config.media?.whenGone?.(() => rooms.mediaGone());
	const conferenceBus = new LocalConferenceBus(rooms);
	const plenaries = new PlenaryRegistry({
		media,
		socketLimits: config.socketLimits,
		onStatus: (conferenceId, status) => void conferenceBus.tellPlenary(conferenceId, status),
		onCutOff: (why) => void rooms.cutOffs[why]++
	});
	const conferences = new ConferenceHub(conferenceBus, plenaries);
	const organiserTickets = new MemoryTicketStore<OrganiserIdentity>(config.ticketTtlSeconds);
	const plenaryTickets = new MemoryTicketStore<PlenaryIdentity>(config.ticketTtlSeconds);
	const generations = new LinkGenerations({ file: join(config.dataDir, 'replaced-links.json'), secret: config.linkSecret });
	const deps: ApiDeps = {
		config,
		rooms,
		organiserTickets,
		plenaries,
		plenaryTickets,
		media,
		logger,
		signer,
		tickets,
		generations,
		passphrases: new LeaderPassphrases(config.linkSecret),
		limits: {
			tickets: new MemoryRateLimiter(config.rateLimitPerMinute),
			groups: new MemoryRateLimiter(Math.max(1, Math.floor(config.rateLimitPerMinute / 2))),
			// Each replacement writes the data file and may add an entry to a store the whole
			// installation shares: 20 an hour per group, 60 an hour per address.
			replacements: new MemoryRateLimiter(20, 3_600_000),
			replacementsFrom: new MemoryRateLimiter(60, 3_600_000),
			// Pages without a socket ask every 30 s whether the plenary is open: at a conference a
			// whole venue shares one address, and a question about one boolean in memory must not
			// spend the allowance its people need to get into their rooms.
			plenaryStatus: new MemoryRateLimiter(config.rateLimitPerMinute * 10),
			// Guesses at a group's leaders' passphrase, from anywhere: 10 a quarter of an hour is
			// plenty for a leader who mistypes, and some 1000 a day for a thief with the link.
			passphrases: new MemoryRateLimiter(10, 15 * 60_000)
		}
	};
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
	/** Open sockets per client address (as the rate limits count addresses). */
	const openFrom = new Map<string, number>();
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
		plenaryTickets.sweep();
	}, config.heartbeatSeconds * 1000);
	heartbeat.unref();

	/**
	 * Authenticates an upgrade before the socket is accepted: same-origin, a single-use
	 * ticket from `store` for the resource named in the path. Refuses with 403 or 401, and
	 * with 503 when the store cannot answer.
	 */
	async function accept<T>(
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		url: URL,
		prefix: string,
		store: TicketStore<T>,
		matches: (identity: T, resource: string) => boolean,
		onSocket: (ws: WebSocket, identity: T) => void
	): Promise<void> {
		socket.on('error', () => socket.destroy());
		const origin = req.headers.origin;
		if (origin && !sameHost(origin, req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
		let identity: T | null;
		try {
			identity = await store.consume(url.searchParams.get('ticket') ?? '');
		} catch (error) {
			logger.error({ err: { message: (error as Error).message } }, 'the ticket store cannot be reached');
			return refuseUpgrade(socket, 503, 'Service Unavailable');
		}
		// Gone while the store answered (only a store elsewhere takes that long).
		if (socket.destroyed) return;
		if (!identity || !matches(identity, url.pathname.slice(prefix.length + 1))) return refuseUpgrade(socket, 401, 'Unauthorized');
		// One address's share of the server's sockets.
		const from = clientKey(req, config.trustedProxies);
		const open = openFrom.get(from) ?? 0;
		if (open >= config.socketsPerAddress) return refuseUpgrade(socket, 429, 'Too Many Requests');
		openFrom.set(from, open + 1);
		socket.once('close', () => {
			const left = (openFrom.get(from) ?? 1) - 1;
			if (left > 0) openFrom.set(from, left);
			else openFrom.delete(from);
		});
		wss.handleUpgrade(req, socket, head, (ws) => {
			// First, before anything can close it: a socket closed at once (a full lobby, a room
			// just destroyed) still reads what the client sends, and a bad frame then is an
			// 'error' event, which with no listener would end the whole process.
			ws.on('error', () => undefined);
			alive.set(ws, true);
			ws.on('pong', () => alive.set(ws, true));
			onSocket(ws, identity);
		});
	}

	return {
		rooms,
		tickets,
		conferences,
		plenaries,
		async handleRequest(req, res) {
			securityHeaders(res, connectSources);
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
			let url: URL;
			try {
				url = new URL(req.url ?? '/', 'http://localhost');
			} catch {
				// A request line no URL can be made of (e.g. `//:99999`): refused, never thrown.
				socket.on('error', () => socket.destroy());
				refuseUpgrade(socket, 400, 'Bad Request');
				return true;
			}
			if (url.pathname.startsWith(OVERVIEW_PATH + '/')) {
				void accept(
					req,
					socket,
					head,
					url,
					OVERVIEW_PATH,
					organiserTickets,
					(id, conferenceId) => id.conferenceId === conferenceId,
					(ws, id) => void conferences.attach(ws, id)
				);
				return true;
			}
			if (url.pathname.startsWith(PLENARY_PATH + '/')) {
				void accept(
					req,
					socket,
					head,
					url,
					PLENARY_PATH,
					plenaryTickets,
					(id, conferenceId) => id.conferenceId === conferenceId,
					(ws, id) => {
						const plenary = plenaries.get(id.conferenceId);
						if (plenary) return plenary.attach(ws, id);
						// Ended between the ticket and the socket.
						ws.send(JSON.stringify({ type: 'ended' }));
						ws.close(CloseCode.ended, 'plenary ended');
					}
				);
				return true;
			}
			if (url.pathname.startsWith(SYNC_PATH + '/')) {
				void accept(
					req,
					socket,
					head,
					url,
					SYNC_PATH,
					tickets,
					(id, groupId) => id.groupId === groupId,
					(ws, id) => {
						// A ticket taken just before a leader replaced the link it came from.
						if (shutOut({ generations, rooms }, { g: id.groupId, r: id.role, v: id.linkGeneration }, id.participantId)) {
							ws.close(CloseCode.linkReplaced, 'link replaced');
						} else rooms.open(id.groupId, id.plannedMinutes, id.conferenceId ?? null, id.seats, id.demo).attach(ws, id);
					}
				);
				return true;
			}
			return false;
		},
		close() {
			clearInterval(heartbeat);
			conferences.close();
			plenaries.closeAll();
			conferenceBus.close();
			organiserTickets.clear();
			plenaryTickets.clear();
			rooms.closeAll();
			tickets.clear();
			for (const ws of wss.clients) ws.terminate();
			wss.close();
		}
	};
}
