import { randomBytes } from 'node:crypto';
import type { Role } from '../session/roles';

/** Who a ticket admits to the sync socket: facts the server checked at exchange time. */
export interface Identity {
	groupId: string;
	plannedMinutes: number;
	participantId: string;
	name: string;
	role: Role;
	conferenceId?: string;
	/** Seats in the group's media room, when its size is known (conference groups). */
	seats?: number;
}

/** Who an organiser ticket admits to a conference's live overview. */
export interface OrganiserIdentity {
	conferenceId: string;
	groupIds: string[];
}

/**
 * Short-lived, single-use tickets: the only credential that appears in the WebSocket URL,
 * so whatever a proxy logs is useless a few seconds later. Bounded in number.
 */
export class TicketStore<T = Identity> {
	readonly #tickets = new Map<string, { identity: T; expiresAt: number }>();
	readonly #ttlMs: number;
	readonly #max: number;
	readonly #now: () => number;

	constructor(ttlSeconds: number, { max = 20000, now = Date.now } = {}) {
		this.#ttlMs = ttlSeconds * 1000;
		this.#max = max;
		this.#now = now;
	}

	get size(): number {
		return this.#tickets.size;
	}

	issue(identity: T): string | null {
		if (this.#tickets.size >= this.#max) this.sweep();
		if (this.#tickets.size >= this.#max) return null;
		const ticket = randomBytes(24).toString('base64url');
		this.#tickets.set(ticket, { identity, expiresAt: this.#now() + this.#ttlMs });
		return ticket;
	}

	/** Returns the identity once; a second use, an unknown or an expired ticket gets null. */
	consume(ticket: string): T | null {
		const entry = this.#tickets.get(ticket);
		if (!entry) return null;
		this.#tickets.delete(ticket);
		return entry.expiresAt > this.#now() ? entry.identity : null;
	}

	sweep(): void {
		const now = this.#now();
		for (const [ticket, entry] of this.#tickets) if (entry.expiresAt <= now) this.#tickets.delete(ticket);
	}

	clear(): void {
		this.#tickets.clear();
	}
}
