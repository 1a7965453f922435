import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenVerifier, type ClaimGrants } from 'livekit-server-sdk';

/**
 * A local stand-in for LiveKit's Twirp room API, for what the real server cannot be made to show
 * on demand (held answers, the exact bodies, an egress starting; see docs/media.md).
 * It checks each request's bearer JWT with the SDK's own TokenVerifier, records the exact
 * JSON body the real livekit-server-sdk sends, and answers as LiveKit does.
 */
export interface TwirpCall {
	service: string;
	method: string;
	body: Record<string, unknown>;
	grants: ClaimGrants;
}

export interface FakeLiveKit {
	url: string;
	calls: TwirpCall[];
	/** Requests whose JWT did not verify; they got 401. */
	rejected: number;
	/**
	 * Browsers that reached the signalling WebSocket (`/rtc`) with a token that verifies: whose
	 * token (identity and display name) and for which room. The fake speaks no signalling, so
	 * each is then turned away.
	 */
	signalling: { identity: string; name: string | undefined; room: string | undefined }[];
	/** Tracks that GetParticipant reports per identity. */
	tracks: Map<string, { sid: string; source: string; muted: boolean }[]>;
	/**
	 * Rooms that exist, as with `room.auto_create: false`: CreateRoom opens one, DeleteRoom
	 * closes it when it is answered (held or not), and `closeRoom` stands in for LiveKit's own
	 * empty/departure timeout.
	 */
	rooms: Set<string>;
	closeRoom(name: string): void;
	/** Who is in each media room; `join` stands in for a browser that connected. */
	present: Map<string, Set<string>>;
	join(room: string, identity: string): void;
	/**
	 * With `strict`, participant calls (UpdateParticipant, RemoveParticipant, GetParticipant,
	 * MutePublishedTrack) for someone not in the room answer `not_found`, as LiveKit does.
	 */
	strict: boolean;
	/** Arrivals and answers in order, e.g. `arrive DeleteRoom balint-g1`, `answer DeleteRoom balint-g1`. */
	log: string[];
	/** Holds the answer to every request of this method until `release`. */
	hold(method: string): void;
	release(method: string): void;
	/** The next `times` requests of this method fail (503), as a LiveKit that is briefly away. */
	fail(method: string, times: number): void;
	close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, value: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(value));
}

const PARTICIPANT_CALLS = new Set(['UpdateParticipant', 'RemoveParticipant', 'GetParticipant', 'MutePublishedTrack']);

export async function startFakeLiveKit(apiKey: string, apiSecret: string): Promise<FakeLiveKit> {
	const verifier = new TokenVerifier(apiKey, apiSecret);
	const held = new Map<string, (() => void)[]>();
	const failing = new Map<string, number>();
	const fake: Omit<FakeLiveKit, 'url' | 'close'> = {
		calls: [],
		rejected: 0,
		signalling: [],
		tracks: new Map(),
		rooms: new Set(),
		closeRoom: (name) => {
			fake.rooms.delete(name);
			fake.present.delete(name);
		},
		present: new Map(),
		join: (room, identity) => {
			if (!fake.rooms.has(room)) throw new Error(`room ${room} does not exist (auto_create is off)`);
			fake.present.set(room, (fake.present.get(room) ?? new Set()).add(identity));
		},
		strict: false,
		log: [],
		hold: (method) => void held.set(method, held.get(method) ?? []),
		fail: (method, times) => void failing.set(method, times),
		release: (method) => {
			const waiting = held.get(method) ?? [];
			held.delete(method);
			for (const go of waiting) go();
		}
	};
	const server: Server = createServer(async (req, res) => {
		const match = /^\/twirp\/livekit\.(\w+)\/(\w+)$/.exec(req.url ?? '');
		if (req.method !== 'POST' || !match) return json(res, 404, { code: 'bad_route', msg: 'no such route' });
		const [, service, method] = match as unknown as [string, string, string];
		const auth = req.headers.authorization ?? '';
		let grants: ClaimGrants;
		try {
			grants = await verifier.verify(auth.replace(/^Bearer /, ''));
		} catch {
			fake.rejected += 1;
			return json(res, 401, { code: 'unauthenticated', msg: 'invalid token' });
		}
		const parsed = JSON.parse((await body(req)) || '{}') as Record<string, unknown>;
		fake.calls.push({ service, method, body: parsed, grants });
		const room = String(parsed.room ?? parsed.name ?? '');
		fake.log.push(`arrive ${method} ${room}`);
		const waiting = held.get(method);
		if (waiting) await new Promise<void>((go) => waiting.push(go));
		fake.log.push(`answer ${method} ${room}`);
		const failures = failing.get(method) ?? 0;
		if (failures > 0) {
			failing.set(method, failures - 1);
			return json(res, 503, { code: 'unavailable', msg: 'try again' });
		}
		const identity = String(parsed.identity ?? '');
		if (fake.strict && PARTICIPANT_CALLS.has(method) && !fake.present.get(room)?.has(identity)) {
			return json(res, 404, { code: 'not_found', msg: 'participant not found' });
		}
		switch (method) {
			case 'CreateRoom':
				fake.rooms.add(room);
				return json(res, 200, { sid: 'RM_fake', name: parsed.name, emptyTimeout: parsed.emptyTimeout, maxParticipants: parsed.maxParticipants });
			case 'UpdateParticipant':
				return json(res, 200, { sid: 'PA_fake', identity, permission: parsed.permission ?? {} });
			case 'GetParticipant':
				return json(res, 200, { sid: 'PA_fake', identity, tracks: fake.tracks.get(identity) ?? [] });
			case 'MutePublishedTrack':
				return json(res, 200, { track: { sid: parsed.trackSid, muted: parsed.muted } });
			case 'DeleteRoom':
				fake.closeRoom(room);
				return json(res, 200, {});
			case 'RemoveParticipant':
				fake.present.get(room)?.delete(identity);
				return json(res, 200, {});
			case 'StopEgress':
				return json(res, 200, { egressId: parsed.egressId, status: 'EGRESS_ENDING' });
			default:
				return json(res, 404, { code: 'bad_route', msg: `unknown method ${method}` });
		}
	});
	server.on('upgrade', async (req, socket) => {
		socket.on('error', () => socket.destroy());
		const url = new URL(req.url ?? '/', 'http://fake');
		try {
			if (!url.pathname.startsWith('/rtc')) throw new Error('not signalling');
			const grants = await verifier.verify(url.searchParams.get('access_token') ?? '');
			fake.signalling.push({ identity: grants.sub ?? '', name: grants.name, room: grants.video?.room });
		} catch {
			fake.rejected += 1;
		}
		socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return Object.assign(fake as FakeLiveKit, {
		url: `ws://127.0.0.1:${port}`,
		close: () => {
			for (const method of [...held.keys()]) fake.release(method);
			return new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});
}
