import type { RawData, WebSocket } from 'ws';

/**
 * What one socket may ask of the server: a token bucket of messages (a person clicks a few
 * times a second at most; a script sends thousands), a smaller one of requests for the
 * document (a browser asks when it connects; each answer to a replica that is behind encodes
 * what it lacks, the whole document for an empty one), and a bound on what may wait unread in
 * its send buffer. A socket that goes past any of them is closed with a reason: the work the
 * server does for one socket never grows with how fast that socket sends.
 */
export interface SocketLimits {
	/** Messages a socket may send at once before it must slow down. */
	burst: number;
	/** Messages per second it earns back. */
	perSecond: number;
	/** Answered requests for the document a socket may make at once… */
	syncBurst: number;
	/** …and how many it earns back per minute. */
	syncPerMinute: number;
	/** Bytes that may wait in a socket's send buffer; past it, the socket is not reading. */
	maxBuffered: number;
}

export const SOCKET_LIMITS: SocketLimits = {
	burst: 40,
	perSecond: 10,
	syncBurst: 10,
	syncPerMinute: 30,
	maxBuffered: 2 * 1024 * 1024
};

/**
 * An organiser's overview socket: a notice or an "end all" reaches every group's leaders, so a
 * few at once and one a second after that is plenty.
 */
export const ORGANISER_SOCKET_LIMITS: SocketLimits = { ...SOCKET_LIMITS, burst: 10, perSecond: 1 };

/**
 * Closes a socket that took more than its share, and does not wait for its side of the
 * closing handshake: whatever else it sends is never read, and in a second it is gone.
 */
export function cutOff(ws: WebSocket, code: number, reason: string): void {
	ws.close(code, reason);
	ws.pause();
	setTimeout(() => ws.terminate(), 1000).unref();
}

/**
 * Hands `ws`'s messages to `onMessage` while the socket is within its share of messages, and
 * counts its pings too (ws answers those itself). Past the share, `over` is called (its owner
 * cuts it off) before anything is parsed.
 */
export function metered(ws: WebSocket, budget: SocketBudget, over: () => void, onMessage: (data: RawData, isBinary: boolean) => void): void {
	ws.on('message', (data, isBinary) => {
		if (budget.take()) onMessage(data, isBinary);
		else over();
	});
	ws.on('ping', () => {
		if (!budget.take()) over();
	});
}

/**
 * Sends on an open socket that keeps up with what it is sent. One whose unsent data passed its
 * bound is not reading (a stalled or hostile client): `notReading` is called instead, and
 * nothing more is held for it in memory.
 */
export function sendWithin(ws: WebSocket, budget: SocketBudget, data: string | Uint8Array, notReading: () => void): void {
	if (ws.readyState !== ws.OPEN) return;
	if (!budget.keepsUp(ws.bufferedAmount)) return notReading();
	ws.send(data, { binary: typeof data !== 'string' });
}

/** A token bucket: `burst` at once, `perMs` earned back per millisecond. */
class Bucket {
	#tokens: number;
	#at: number;

	constructor(
		readonly burst: number,
		readonly perMs: number,
		now: number
	) {
		this.#tokens = burst;
		this.#at = now;
	}

	take(now: number): boolean {
		this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#at) * this.perMs);
		this.#at = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}

export class SocketBudget {
	readonly #limits: SocketLimits;
	readonly #now: () => number;
	readonly #messages: Bucket;
	readonly #syncRequests: Bucket;

	constructor(limits: SocketLimits = SOCKET_LIMITS, now: () => number = Date.now) {
		this.#limits = limits;
		this.#now = now;
		this.#messages = new Bucket(limits.burst, limits.perSecond / 1000, now());
		this.#syncRequests = new Bucket(limits.syncBurst, limits.syncPerMinute / 60_000, now());
	}

	/** One message: false when the socket has spent its share. */
	take(): boolean {
		return this.#messages.take(this.#now());
	}

	/** One request for (part of) the document: false past the few a connection needs. */
	takeSyncRequest(): boolean {
		return this.#syncRequests.take(this.#now());
	}

	/** Whether a socket with this much unsent is still keeping up. */
	keepsUp(bufferedAmount: number): boolean {
		return bufferedAmount <= this.#limits.maxBuffered;
	}
}
