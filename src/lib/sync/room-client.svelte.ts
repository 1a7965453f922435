import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { ShownRefusal } from '../i18n/labels';
import type { Action } from '../session/actions';
import { isLeader, type Role } from '../session/roles';
import type { SessionState } from '../session/state';
import type { ReplaceableRole } from '../session/roles';
import { api, ApiError, type GroupInfo, type RoleLink, type TicketAnswer } from './api-client';
import { CloseCode, SYNC_PATH, type ServerMessage, type WaitingPerson } from './protocol';
import { readState } from './schema';
import { snapshotOf } from './snapshot';

export type RoomStatus =
	| 'idle'
	| 'joining'
	| 'waiting'
	| 'admitted'
	| 'reconnecting'
	| 'ended'
	| 'left'
	| 'removed'
	| 'declined'
	| 'replaced'
	| 'failed'
	/** Destroyed by its page (navigating away, joining again): nothing more to show. */
	| 'closed';

const FINAL: ReadonlySet<RoomStatus> = new Set(['ended', 'left', 'removed', 'declined', 'replaced', 'failed', 'closed']);

/** What a client knows of its group once the session is over: nothing. */
const NO_GROUP: GroupInfo = Object.freeze({ id: '', name: '', plannedMinutes: 0 });

/**
 * One person's connection to their group's live session: the single owner of the socket,
 * the read-only Yjs replica and the reconnect timer. Everything lives in page memory and is
 * wiped when the session ends, or this person is removed, declined or replaced, or the page
 * destroys the client; nothing is written to browser storage. Only the final status (and, for
 * `failed`, the problem's code) stays for the screen that says so.
 */
export class RoomClient {
	status = $state<RoomStatus>('idle');
	state = $state.raw<SessionState | null>(null);
	waiting = $state.raw<WaitingPerson[]>([]);
	/** Several tries in a row have not reached the server (before admission the page says so). */
	retrying = $state(false);
	/** In the lobby: whether a leader is there to let this person in. */
	leaderPresent = $state(false);
	refusal = $state<ShownRefusal | null>(null);
	/**
	 * Why the connection failed for good, as a code for the screen to translate (`problemText`
	 * in i18n/problems.ts): the API's `error.code`, or `malformed`. Never the server's English.
	 */
	problem = $state<string | null>(null);
	participantId = $state<string | null>(null);
	/** When a leader replaced one of the group's links, in this session (leaders only). */
	linkReplacements = $state.raw<{ role: Role; at: number }[]>([]);
	/** Notices from the conference organiser (leaders only), in page memory. */
	notices = $state.raw<{ id: number; text: string }[]>([]);
	/** Whether this installation has video; known once admitted. */
	media = $state(false);
	/** How often the session's media room has moved (a removal): the video area follows it. */
	mediaMoves = $state(0);
	/** The session's media room as the server last said. */
	#mediaRoom: string | null = null;
	/** The server's clock minus this browser's, from the last admission: timers count on it. */
	clockOffset = $state(0);
	role: Role;
	group: GroupInfo;

	#token: string;
	#name = '';
	#seat: string | undefined;
	#ws: WebSocket | null = null;
	#doc: Y.Doc | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	#attempts = 0;
	/** The replica from before a reconnect, which a leader offers back after a server restart. */
	#previous: SessionState | null = null;
	#tokenWaiters: { resolve: (t: { url: string; token: string }) => void; reject: (e: Error) => void }[] = [];

	constructor(token: string, group: GroupInfo, role: Role) {
		this.#token = token;
		this.group = group;
		this.role = role;
	}

	get isLeader(): boolean {
		return isLeader(this.role);
	}

	async join(name: string): Promise<void> {
		if (FINAL.has(this.status)) return;
		globalThis.addEventListener?.('online', this.#onOnline);
		this.#name = name;
		this.status = 'joining';
		await this.#connect();
	}

	send(action: Action): void {
		this.refusal = null;
		// Not queued for later (by then it may no longer be what the leader wants), but not
		// dropped in silence either: the person is told it was not sent.
		if (!this.#sendJson(action)) this.refusal = 'not-connected';
	}

	/**
	 * The group's member or observer link, asked for with this leader's link: as it is now, or
	 * replaced (the old one opens nothing from then on). The page adds the media key it holds.
	 */
	roleLink(role: ReplaceableRole, replace: boolean): Promise<RoleLink> {
		return replace ? api.replaceLink(this.#token, role) : api.currentLink(this.#token, role);
	}

	/** A fresh LiveKit token, issued by the server to admitted people only. */
	mediaToken(): Promise<{ url: string; token: string }> {
		return new Promise((resolve, reject) => {
			if (this.#ws?.readyState !== WebSocket.OPEN) return reject(new Error('not connected'));
			this.#tokenWaiters.push({ resolve, reject });
			this.#sendJson({ type: 'media-token' });
		});
	}

	/** Once in the media room: the server grants what this person may publish (tokens carry nothing). */
	mediaJoined(): void {
		this.#sendJson({ type: 'media-joined' });
	}

	#followMediaRoom(room: string): void {
		if (this.#mediaRoom !== null && this.#mediaRoom !== room) this.mediaMoves++;
		this.#mediaRoom = room;
	}

	#settleTokens(result: { url: string; token: string } | Error): void {
		const waiters = this.#tokenWaiters;
		this.#tokenWaiters = [];
		for (const w of waiters) {
			if (result instanceof Error) w.reject(result);
			else w.resolve(result);
		}
	}

	leave(): void {
		this.#sendJson({ type: 'leave' });
		this.#finish('left');
	}

	/**
	 * Stops everything this client owns and wipes what it held. The status becomes final
	 * (`closed`, unless it already was), so a join still waiting for its ticket opens no socket.
	 */
	destroy(): void {
		this.#finish('closed');
	}

	async #connect(): Promise<void> {
		this.#clearRetry();
		if (FINAL.has(this.status)) return;
		let answer: TicketAnswer;
		try {
			answer = await api.ticket(this.#token, this.#name, this.#seat);
		} catch (error) {
			// Destroyed or ended while the request was under way: nothing more to do.
			if (FINAL.has(this.status)) return;
			if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
				this.problem = error.code;
				return this.#finish('failed');
			}
			return this.#retry();
		}
		if (FINAL.has(this.status)) return;
		const ticket = answer.ticket;
		this.#seat = answer.seat;
		this.participantId = answer.participantId;
		const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
		const ws = new WebSocket(`${scheme}://${location.host}${SYNC_PATH}/${this.group.id}?ticket=${encodeURIComponent(ticket)}`);
		ws.binaryType = 'arraybuffer';
		this.#ws = ws;
		ws.onmessage = (event) => {
			if (typeof event.data === 'string') this.#onControl(JSON.parse(event.data) as ServerMessage);
			else this.#onSync(new Uint8Array(event.data as ArrayBuffer));
		};
		ws.onclose = (event) => {
			if (this.#ws !== ws) return;
			this.#ws = null;
			this.#onClose(event.code);
		};
	}

	#onControl(message: ServerMessage): void {
		switch (message.type) {
			case 'waiting':
				if (this.#endedWhileAway(message.endedSessionId)) return this.#finish('ended');
				this.#attempts = 0;
				this.retrying = false;
				this.status = 'waiting';
				this.leaderPresent = message.leaderPresent;
				break;
			case 'admitted':
				if (this.#endedWhileAway(message.endedSessionId)) return this.#finish('ended');
				this.#attempts = 0;
				this.retrying = false;
				// "Not sent" described the outage, which is over: it would only confuse now.
				if (this.refusal === 'not-connected') this.refusal = null;
				this.media = message.media;
				// Back in after a move it missed (its connection was down) or a server restart: follow.
				this.#followMediaRoom(message.mediaRoom);
				this.clockOffset = message.now - Date.now();
				this.#startDoc();
				this.status = 'admitted';
				this.#offerRestore(message.sessionId, message.restorable);
				break;
			case 'lobby':
				this.waiting = message.waiting;
				break;
			case 'refused':
				if (message.action === 'media-token') this.#settleTokens(new Error(message.code));
				else this.refusal = message.code;
				break;
			case 'notice':
				this.notices = [...this.notices, { id: Date.now() + Math.random(), text: message.text }];
				break;
			case 'media-token':
				this.#settleTokens({ url: message.url, token: message.token });
				break;
			case 'media':
				this.media = message.available;
				break;
			case 'media-moved':
				this.#followMediaRoom(message.mediaRoom);
				break;
			case 'link-replaced':
				this.linkReplacements = [...this.linkReplacements, { role: message.role, at: Date.now() }];
				break;
			case 'ended':
				this.#finish('ended');
				break;
		}
	}

	#onSync(frame: Uint8Array): void {
		if (!this.#doc) return;
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== 0) return;
		// The reply encoder is discarded: the server would drop anything we wrote back.
		syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.#doc, 'server');
	}

	#startDoc(): void {
		this.#dropDoc();
		const doc = new Y.Doc();
		doc.on('update', () => {
			const next = readState(doc);
			if (next) {
				this.state = next;
				this.#previous = next;
			}
		});
		this.#doc = doc;
	}

	/** The session this person was in ended while their connection was down. */
	#endedWhileAway(endedSessionId: string | undefined): boolean {
		return !!endedSessionId && this.#previous?.sessionId === endedSessionId;
	}

	#offerRestore(sessionId: string, restorable: boolean): void {
		const previous = this.#previous;
		if (!restorable || !previous || previous.sessionId === sessionId) return;
		const snapshot = snapshotOf(previous);
		if (snapshot) this.#sendJson({ type: 'restore', snapshot });
	}

	#onClose(code: number): void {
		this.#settleTokens(new Error('disconnected'));
		if (FINAL.has(this.status)) return;
		switch (code) {
			case CloseCode.ended:
				return this.#finish('ended');
			case CloseCode.removed:
				return this.#finish('removed');
			case CloseCode.declined:
				return this.#finish('declined');
			case CloseCode.replaced:
				return this.#finish('replaced');
			case CloseCode.lobbyFull:
				this.problem = 'lobby-full';
				return this.#finish('failed');
			case CloseCode.roomFull:
				this.problem = 'room-full';
				return this.#finish('failed');
			case CloseCode.linkReplaced:
				this.problem = 'link-replaced';
				return this.#finish('failed');
			case CloseCode.malformed:
				// The close reason is the server's English ("malformed message"): only the code
				// reaches the screen, translated there.
				this.problem = 'malformed';
				return this.#finish('failed');
		}
		if (this.status === 'admitted') this.status = 'reconnecting';
		this.#retry();
	}

	/**
	 * The computer's network is back (Wi-Fi rejoined, cable in): try at once instead of waiting
	 * out the backoff, so a person is back within moments of their network.
	 */
	readonly #onOnline = (): void => {
		if (!this.#retryTimer || FINAL.has(this.status)) return;
		this.#attempts = 0;
		void this.#connect();
	};

	#retry(): void {
		this.#clearRetry();
		if (FINAL.has(this.status)) return;
		// Soon, then every 1.5 s at most, so a person is back within 2 s of their network even
		// when no 'online' event tells us; a little jitter spreads a whole conference's
		// reconnects after a server restart.
		const delay = Math.min(250 * 2 ** this.#attempts, 1500) + Math.random() * 250;
		this.#attempts += 1;
		this.retrying = this.#attempts >= 3;
		this.#retryTimer = setTimeout(() => void this.#connect(), delay);
	}

	#clearRetry(): void {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
	}

	/** Sends a control message; false when there is no open socket to send it on. */
	#sendJson(message: unknown): boolean {
		if (this.#ws?.readyState !== WebSocket.OPEN) return false;
		this.#ws.send(JSON.stringify(message));
		return true;
	}

	/**
	 * A final state: close the socket and wipe everything that names the group or its people.
	 * The first final status stays (a client destroyed after the session ended still says so).
	 */
	#finish(status: RoomStatus): void {
		if (!FINAL.has(this.status)) this.status = status;
		globalThis.removeEventListener?.('online', this.#onOnline);
		this.#clearRetry();
		const ws = this.#ws;
		this.#ws = null;
		if (ws) {
			ws.onopen = ws.onclose = ws.onmessage = ws.onerror = null;
			ws.close(1000);
		}
		this.#settleTokens(new Error('closed'));
		this.#dropDoc();
		this.state = null;
		this.#previous = null;
		this.waiting = [];
		this.leaderPresent = false;
		this.retrying = false;
		this.notices = [];
		this.linkReplacements = [];
		this.refusal = null;
		this.participantId = null;
		this.media = false;
		this.clockOffset = 0;
		this.group = NO_GROUP;
		this.#token = '';
		this.#name = '';
		this.#seat = undefined;
		this.#attempts = 0;
	}

	#dropDoc(): void {
		this.#doc?.destroy();
		this.#doc = null;
	}
}
