import type { WebSocket } from 'ws';
import { isLeader } from '../../session/roles';
import { CloseCode, type ServerMessage } from '../../sync/protocol';
import { cutOff, metered, sendWithin, SocketBudget, type SocketLimits } from '../socket-budget';
import type { Identity } from '../tickets';

/** One person's socket in a room (a group's, or with another identity the conference plenary's). */
export interface Connection<I extends { participantId: string } = Identity> {
	ws: WebSocket;
	identity: I;
	admitted: boolean;
	/** Closed because the same person connected again: they are not away, so nobody is told so. */
	replaced?: boolean;
	/** What this socket may still ask of the server (`socket-budget.ts`). */
	budget: SocketBudget;
}

export interface ConnectionsOptions<I extends { participantId: string } = Identity> {
	now: () => number;
	socketLimits?: SocketLimits;
	/** Each message within the socket's share. */
	onMessage: (conn: Connection<I>, data: Buffer, isBinary: boolean) => void;
	/** A socket is gone: closed by its side, or dropped or cut off by ours (then at once). */
	onGone: (conn: Connection<I>) => void;
	/** Told each time a socket is closed for taking more than its share. */
	onCutOff?: (why: 'flooding' | 'notReading') => void;
}

/**
 * A room's sockets: the one owner of each, from `add` until it is gone or `closeAll`. Generic over
 * who a socket is and what it is sent, so that the conference plenary (server/plenary/) holds its
 * sockets to the same budgets and send bound; the defaults are a group room's.
 */
export class Connections<I extends { participantId: string } = Identity, M = ServerMessage> {
	readonly #all = new Set<Connection<I>>();
	readonly #options: ConnectionsOptions<I>;

	constructor(options: ConnectionsOptions<I>) {
		this.#options = options;
	}

	get size(): number {
		return this.#all.size;
	}

	has(conn: Connection<I>): boolean {
		return this.#all.has(conn);
	}

	/** Live, in order of arrival: what is dropped meanwhile is skipped. */
	[Symbol.iterator](): IterableIterator<Connection<I>> {
		return this.#all.values();
	}

	add(ws: WebSocket, identity: I): Connection<I> {
		const conn: Connection<I> = { ws, identity, admitted: false, budget: new SocketBudget(this.#options.socketLimits, this.#options.now) };
		this.#all.add(conn);
		metered(
			ws,
			conn.budget,
			() => this.cutOff(conn, CloseCode.flooding, 'too many messages'),
			(data, isBinary) => this.#options.onMessage(conn, data as Buffer, isBinary)
		);
		ws.on('close', () => this.#options.onGone(conn));
		// A protocol fault (bad UTF-8, oversized frame): ws has already closed the socket with its
		// status code (1007, 1009); terminating here would cut that reason off. The close follows.
		ws.on('error', () => undefined);
		return conn;
	}

	/** One live socket per person: a reconnect replaces the stale one. */
	replace(participantId: string): void {
		for (const other of this.#all) {
			if (other.identity.participantId !== participantId) continue;
			other.replaced = true;
			this.drop(other, CloseCode.replaced, 'replaced by a newer connection');
		}
	}

	/** Forgets a socket; false if it was already gone. */
	forget(conn: Connection<I>): boolean {
		return this.#all.delete(conn);
	}

	/** This person's sockets, waiting or not. */
	of(participantId: string): Connection<I>[] {
		return [...this.#all].filter((c) => c.identity.participantId === participantId);
	}

	waitingOf(participantId: string): Connection<I> | undefined {
		return [...this.#all].find((c) => !c.admitted && c.identity.participantId === participantId);
	}

	waiting(): Connection<I>[] {
		return [...this.#all].filter((c) => !c.admitted);
	}

	/** How many are in the room (those `counts` takes, when given: a demonstration group's two parts). */
	inRoom(counts?: (identity: I) => boolean): number {
		let count = 0;
		for (const conn of this.#all) if (conn.admitted && (!counts || counts(conn.identity))) count++;
		return count;
	}

	send(conn: Connection<I>, message: M): void {
		this.#sendRaw(conn, JSON.stringify(message));
	}

	/** A message already encoded: what many sockets get alike is encoded once. */
	sendText(conn: Connection<I>, text: string): void {
		this.#sendRaw(conn, text);
	}

	sendBinary(conn: Connection<I>, frame: Uint8Array): void {
		this.#sendRaw(conn, frame);
	}

	/** To everyone in the room. */
	toAdmitted(message: M): void {
		for (const conn of this.#all) if (conn.admitted) this.send(conn, message);
	}

	/** To the leaders in the room: the lobby, the links and the organiser's notices are their business. */
	toLeaders(this: Connections, message: ServerMessage): void {
		for (const conn of this.#all) if (conn.admitted && isLeader(conn.identity.role)) this.send(conn, message);
	}

	/** To every socket, in the room or waiting. */
	toAll(message: M): void {
		for (const conn of this.#all) this.send(conn, message);
	}

	/** To everyone in the lobby. */
	toWaiting(message: M): void {
		for (const conn of this.#all) if (!conn.admitted) this.send(conn, message);
	}

	drop(conn: Connection<I>, code: number, reason: string): void {
		conn.ws.close(code, reason);
		// Treat it as gone now; the close event may come later.
		this.#options.onGone(conn);
	}

	/**
	 * Drops a socket that took more than its share, and does not wait for its side of the
	 * closing handshake: whatever else it sends is never read.
	 */
	cutOff(conn: Connection<I>, code: typeof CloseCode.flooding | typeof CloseCode.notReading, reason: string): void {
		if (!this.#all.has(conn)) return;
		this.#options.onCutOff?.(code === CloseCode.flooding ? 'flooding' : 'notReading');
		cutOff(conn.ws, code, reason);
		// Treat it as gone now; the close event may come later.
		this.#options.onGone(conn);
	}

	/** Closes every socket at once and forgets them (their close events then find nothing). */
	closeAll(code: number, reason: string): void {
		for (const conn of [...this.#all]) conn.ws.close(code, reason);
		this.#all.clear();
	}

	#sendRaw(conn: Connection<I>, data: string | Uint8Array): void {
		sendWithin(conn.ws, conn.budget, data, () => this.cutOff(conn, CloseCode.notReading, 'not reading'));
	}
}
