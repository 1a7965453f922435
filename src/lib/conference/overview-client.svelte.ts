import { api } from '../sync/api-client';
import { CloseCode, OVERVIEW_PATH } from '../sync/protocol';
import { refusedForGood, TicketedSocket } from '../sync/ticketed-socket.svelte';
import type { GroupSummary, OrganiserMessage, OverviewMessage } from './types';

type OrganiserTicket = Awaited<ReturnType<typeof api.organiserTicket>>;

/** What the overview shows of the plenary: never who is in it, only how many. */
export interface PlenaryOverview {
	open: boolean;
	title: string | null;
	headcount: number;
}

/**
 * The organiser's live, read-only view of a conference: the one owner of its socket, which
 * comes back by itself after a loss. Holds counts and phases only; the server never sends names.
 */
export class OverviewClient {
	#groups = $state.raw<Record<string, GroupSummary>>({});
	#connected = $state(false);
	#lastNotice = $state<number | null>(null);
	#lastEndAll = $state<number | null>(null);
	#clockOffset = $state(0);
	#problem = $state<string | null>(null);
	#plenary = $state.raw<PlenaryOverview>({ open: false, title: null, headcount: 0 });
	#plenaryRefusal = $state<string | null>(null);

	readonly #token: string;
	readonly #socket = new TicketedSocket<OrganiserTicket>({
		ticket: () => api.organiserTicket(this.#token),
		address: ({ ticket, conferenceId }) => `${OVERVIEW_PATH}/${conferenceId}?ticket=${encodeURIComponent(ticket)}`,
		opened: () => (this.#connected = true),
		message: (data) => this.#on(JSON.parse(String(data)) as OverviewMessage),
		closed: (code) => {
			this.#connected = false;
			// The server could not read what this page sent: sending it again would not help.
			if (code !== CloseCode.malformed) return 'retry';
			this.#problem = 'malformed';
			return 'final';
		},
		ticketFailed: (error) => {
			// The organiser link is no longer good (expired, or not a link): asking again changes nothing.
			if (!refusedForGood(error)) return 'retry';
			this.#problem = error.code;
			return 'final';
		}
	});

	constructor(token: string) {
		this.#token = token;
	}

	get groups(): Record<string, GroupSummary> {
		return this.#groups;
	}
	get connected(): boolean {
		return this.#connected;
	}
	/** How many groups the last notice reached; null until the server says. */
	get lastNotice(): number | null {
		return this.#lastNotice;
	}
	/** How many groups the last "end all" ended; null until the server says. */
	get lastEndAll(): number | null {
		return this.#lastEndAll;
	}
	/** The server's clock minus this browser's, from the last update. */
	get clockOffset(): number {
		return this.#clockOffset;
	}
	/** Why the overview stopped for good, as a code for the screen to translate; null while it runs. */
	get problem(): string | null {
		return this.#problem;
	}

	/** The conference's plenary: open or not, its title and how many are in it. */
	get plenary(): PlenaryOverview {
		return this.#plenary;
	}

	/** Why the server did not open or end the plenary as asked (a code, e.g. `rate-limited`); null otherwise. */
	get plenaryRefusal(): string | null {
		return this.#plenaryRefusal;
	}

	start(): Promise<void> {
		return this.#socket.open();
	}

	#on(message: OverviewMessage): void {
		if (message.type === 'overview' || message.type === 'group') this.#clockOffset = message.now - Date.now();
		if (message.type === 'overview') {
			// The server's first word on every socket: a later loss starts its backoff from the beginning.
			this.#socket.reached();
			this.#groups = Object.fromEntries(message.groups.map((g) => [g.groupId, g]));
		} else if (message.type === 'group') this.#groups = { ...this.#groups, [message.group.groupId]: message.group };
		else if (message.type === 'notice-sent') this.#lastNotice = message.groups;
		else if (message.type === 'ended-all') this.#lastEndAll = message.groups;
		else if (message.type === 'plenary') {
			this.#plenary = { open: message.open, title: message.title, headcount: message.headcount };
			this.#plenaryRefusal = null;
		} else if (message.type === 'refused' && message.action.endsWith('-plenary')) this.#plenaryRefusal = message.code;
	}

	/** Sends a notice to every live group's leaders; false (nothing sent) while not connected. */
	notice(text: string): boolean {
		this.#lastNotice = null;
		return this.#send({ type: 'notice', text });
	}

	/** Ends every live group; false (nothing sent) while not connected. */
	endAll(): boolean {
		this.#lastEndAll = null;
		return this.#send({ type: 'end-all' });
	}

	/** Opens the conference's plenary with this title; false (nothing sent) while not connected. */
	openPlenary(title: string): boolean {
		return this.#send({ type: 'open-plenary', title });
	}

	/** Ends the plenary for everyone in it; false (nothing sent) while not connected. */
	endPlenary(): boolean {
		return this.#send({ type: 'end-plenary' });
	}

	#send(message: OrganiserMessage): boolean {
		return this.#socket.send(JSON.stringify(message));
	}

	destroy(): void {
		this.#socket.stop();
	}
}
