import { api } from '../sync/api-client';
import { OVERVIEW_PATH } from '../sync/protocol';
import type { GroupSummary, OverviewMessage } from './types';

/**
 * The organiser's live, read-only view of a conference: the one owner of its socket and
 * reconnect timer. Holds counts and phases only; the server never sends names.
 */
export class OverviewClient {
	groups = $state.raw<Record<string, GroupSummary>>({});
	connected = $state(false);
	lastNotice = $state<number | null>(null);
	lastEndAll = $state<number | null>(null);
	/** The server's clock minus this browser's, from the last update. */
	clockOffset = $state(0);

	readonly #token: string;
	#ws: WebSocket | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#closed = false;

	constructor(token: string) {
		this.#token = token;
	}

	async start(): Promise<void> {
		if (this.#closed) return;
		try {
			const { ticket, conferenceId } = await api.organiserTicket(this.#token);
			// Destroyed while the ticket was on its way: open nothing.
			if (this.#closed) return;
			const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
			const ws = new WebSocket(`${scheme}://${location.host}${OVERVIEW_PATH}/${conferenceId}?ticket=${encodeURIComponent(ticket)}`);
			this.#ws = ws;
			ws.onopen = () => (this.connected = true);
			ws.onmessage = (event) => this.#on(JSON.parse(String(event.data)) as OverviewMessage);
			ws.onclose = () => {
				if (this.#ws !== ws) return;
				this.#ws = null;
				this.connected = false;
				this.#retry();
			};
		} catch {
			this.#retry();
		}
	}

	#on(message: OverviewMessage): void {
		if (message.type === 'overview' || message.type === 'group') this.clockOffset = message.now - Date.now();
		if (message.type === 'overview') this.groups = Object.fromEntries(message.groups.map((g) => [g.groupId, g]));
		else if (message.type === 'group') this.groups = { ...this.groups, [message.group.groupId]: message.group };
		else if (message.type === 'notice-sent') this.lastNotice = message.groups;
		else this.lastEndAll = message.groups;
	}

	#retry(): void {
		if (this.#closed) return;
		this.#timer = setTimeout(() => void this.start(), 1500);
	}

	/** Sends a notice to every live group's leaders; false (nothing sent) while not connected. */
	notice(text: string): boolean {
		this.lastNotice = null;
		return this.#send({ type: 'notice', text });
	}

	/** Ends every live group; false (nothing sent) while not connected. */
	endAll(): boolean {
		this.lastEndAll = null;
		return this.#send({ type: 'end-all' });
	}

	#send(message: { type: 'notice'; text: string } | { type: 'end-all' }): boolean {
		const ws = this.#ws;
		if (!ws || ws.readyState !== WebSocket.OPEN) return false;
		ws.send(JSON.stringify(message));
		return true;
	}

	destroy(): void {
		this.#closed = true;
		if (this.#timer) clearTimeout(this.#timer);
		const ws = this.#ws;
		this.#ws = null;
		if (ws) {
			ws.onclose = null;
			ws.close(1000);
		}
	}
}
