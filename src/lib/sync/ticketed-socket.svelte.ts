import { ApiError } from './api-client';

/** What the owner of a socket decides when it closes, or its ticket fails: try again, or stop for good. */
export type AfterClose = 'retry' | 'final';

/** The owner of a `TicketedSocket`: it knows where the socket goes, reads what arrives and judges every close. */
export interface SocketOwner<T> {
	/** A single-use ticket for the next socket: the API's answer. */
	ticket(): Promise<T>;
	/** Where the socket opens with this answer: a path on this origin, ticket included. Only asked while the socket is still wanted. */
	address(answer: T): string;
	/** A frame from the server: text (JSON) or binary. */
	message(data: string | ArrayBuffer): void;
	opened?(): void;
	/** The server closed the socket, or the network lost it: the code says which. */
	closed(code: number): AfterClose;
	/** The ticket request failed: `refusedForGood` says whether asking again can help. */
	ticketFailed(error: unknown): AfterClose;
}

/** The server refused the ticket (a bad or expired link, a refused name): asking again changes nothing. A busy server (429) or a lost network can. */
export function refusedForGood(error: unknown): error is ApiError {
	return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
}

/** Too many passphrase attempts for the group, or no slow hash free on the server: asking again at once only spends attempts. */
export function passphraseTurnedAway(error: unknown): error is ApiError {
	return error instanceof ApiError && (error.status === 429 || error.status === 503);
}

/**
 * One WebSocket that stays open until its owner stops it: a fresh ticket before every attempt
 * (only the single-use ticket ever appears in a URL), backoff between attempts, and a retry at
 * once when the browser's network comes back. The owner judges every close code.
 */
export class TicketedSocket<T> {
	#retrying = $state(false);
	readonly #owner: SocketOwner<T>;
	#ws: WebSocket | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	#attempts = 0;
	#stopped = false;

	constructor(owner: SocketOwner<T>) {
		this.#owner = owner;
	}

	/** Several tries in a row have not reached the server. */
	get retrying(): boolean {
		return this.#retrying;
	}

	get isOpen(): boolean {
		return this.#ws?.readyState === WebSocket.OPEN;
	}

	/** Opens the socket; resolves once the first one is on its way, or its ticket has failed. */
	async open(): Promise<void> {
		if (this.#stopped) return;
		globalThis.addEventListener?.('online', this.#onOnline);
		await this.#connect();
	}

	/** The server has let this socket in: a later loss starts its backoff from the beginning. */
	reached(): void {
		this.#attempts = 0;
		this.#retrying = false;
	}

	/** Sends a text frame; false when there is no open socket to send it on. */
	send(text: string): boolean {
		if (this.#ws?.readyState !== WebSocket.OPEN) return false;
		this.#ws.send(text);
		return true;
	}

	/** For good: closes the socket, ends the timer, and a ticket still on its way opens nothing. */
	stop(): void {
		this.#stopped = true;
		globalThis.removeEventListener?.('online', this.#onOnline);
		this.#clearRetry();
		const ws = this.#ws;
		this.#ws = null;
		if (ws) {
			ws.onopen = ws.onclose = ws.onmessage = ws.onerror = null;
			ws.close(1000);
		}
		this.#retrying = false;
		this.#attempts = 0;
	}

	async #connect(): Promise<void> {
		this.#clearRetry();
		if (this.#stopped) return;
		let answer: T;
		try {
			answer = await this.#owner.ticket();
		} catch (error) {
			// Stopped while the request was under way: nothing more to do.
			if (this.#stopped) return;
			return this.#after(this.#owner.ticketFailed(error));
		}
		if (this.#stopped) return;
		const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
		const ws = new WebSocket(`${scheme}://${location.host}${this.#owner.address(answer)}`);
		ws.binaryType = 'arraybuffer';
		this.#ws = ws;
		ws.onopen = () => this.#owner.opened?.();
		ws.onmessage = (event) => this.#owner.message(event.data as string | ArrayBuffer);
		ws.onclose = (event) => {
			if (this.#ws !== ws) return;
			this.#ws = null;
			this.#after(this.#owner.closed(event.code));
		};
	}

	#after(decision: AfterClose): void {
		if (decision === 'final') this.stop();
		else this.#retry();
	}

	/**
	 * The computer's network is back (Wi-Fi rejoined, cable in): try at once instead of waiting
	 * out the backoff, so a person is back within moments of their network.
	 */
	readonly #onOnline = (): void => {
		if (!this.#retryTimer || this.#stopped) return;
		this.#attempts = 0;
		void this.#connect();
	};

	#retry(): void {
		this.#clearRetry();
		if (this.#stopped) return;
		// Soon, then every 1.5 s at most, so a person is back within 2 s of their network even
		// when no 'online' event tells us; a little jitter spreads a whole conference's
		// reconnects after a server restart.
		const delay = Math.min(250 * 2 ** this.#attempts, 1500) + Math.random() * 250;
		this.#attempts += 1;
		this.#retrying = this.#attempts >= 3;
		this.#retryTimer = setTimeout(() => void this.#connect(), delay);
	}

	#clearRetry(): void {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
	}
}
