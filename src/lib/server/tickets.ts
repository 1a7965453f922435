import { randomBytes } from 'node:crypto';
import type { Role } from '../session/roles';
import type { Awaitable } from './awaitable';

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
	/** The generation of the link this person came with (absent: the group's first). */
	linkGeneration?: number;
	/** A demonstration group (the workshop fishbowl): its room takes many observers. */
	demo?: boolean;
}

/** Who an organiser ticket admits to a conference's live overview. */
export interface OrganiserIdentity {
	conferenceId: string;
	groupIds: string[];
}

/**
 * Tickets one share (one link of a group, or one conference's organisers) may hold at once:
 * its people reconnecting at once, many times over.
 */
export const TICKETS_PER_SHARE = 200;

/**
 * Short-lived, single-use tickets: the only credential that appears in the WebSocket URL,
 * so whatever a proxy logs is useless a few seconds later. A ticket is issued by whichever
 * process answers the exchange and consumed by whichever accepts the socket: one process
 * keeps them in memory (`MemoryTicketStore`); several need a store they share.
 */
export interface TicketStore<T = Identity> {
	/** A ticket for `identity` in `share`, or null when that share holds all it may. */
	issue(identity: T, share: string): Awaitable<string | null>;
	/** The identity, once; a second use, an unknown or an expired ticket gets null. */
	consume(ticket: string): Awaitable<T | null>;
}

/**
 * Tickets in this process's memory. Bounded in number, and shared fairly: each ticket belongs
 * to a share (one link of a group, or for an organiser their conference), a share holds at
 * most `perShare` at once, and when the store is full a ticket for a share that holds fewer
 * than the largest is made room for by dropping the largest share's oldest, so a full store
 * refuses the greedy party first, never a different group. (Per address, the rate limit on
 * ticket requests already bounds what one address holds.)
 */
export class MemoryTicketStore<T = Identity> implements TicketStore<T> {
	readonly #tickets = new Map<string, { identity: T; share: string; expiresAt: number }>();
	/** Each share's outstanding tickets, oldest first. */
	readonly #shares = new Map<string, Set<string>>();
	readonly #ttlMs: number;
	readonly #max: number;
	readonly #perShare: number;
	readonly #now: () => number;

	constructor(ttlSeconds: number, { max = 20000, perShare = TICKETS_PER_SHARE, now = Date.now } = {}) {
		this.#ttlMs = ttlSeconds * 1000;
		this.#max = max;
		this.#perShare = perShare;
		this.#now = now;
	}

	get size(): number {
		return this.#tickets.size;
	}

	/** A ticket for `identity` in `share`, or null when that share has all it may hold. */
	issue(identity: T, share: string): string | null {
		let held = this.#shares.get(share);
		if ((held?.size ?? 0) >= this.#perShare || this.#tickets.size >= this.#max) this.sweep();
		held = this.#shares.get(share);
		if ((held?.size ?? 0) >= this.#perShare) return null;
		if (this.#tickets.size >= this.#max && !this.#makeRoomFor(held?.size ?? 0)) return null;
		const ticket = randomBytes(24).toString('base64url');
		this.#tickets.set(ticket, { identity, share, expiresAt: this.#now() + this.#ttlMs });
		if (!held) this.#shares.set(share, (held = new Set()));
		held.add(ticket);
		return ticket;
	}

	/** Drops the oldest ticket of the largest share, if that share holds more than `holding` + 1. */
	#makeRoomFor(holding: number): boolean {
		let largest: Set<string> | null = null;
		for (const held of this.#shares.values()) if (!largest || held.size > largest.size) largest = held;
		if (!largest || largest.size <= holding + 1) return false;
		const [oldest] = largest;
		this.#forget(oldest!);
		return true;
	}

	/** Returns the identity once; a second use, an unknown or an expired ticket gets null. */
	consume(ticket: string): T | null {
		const entry = this.#tickets.get(ticket);
		if (!entry) return null;
		this.#forget(ticket);
		return entry.expiresAt > this.#now() ? entry.identity : null;
	}

	#forget(ticket: string): void {
		const entry = this.#tickets.get(ticket);
		if (!entry) return;
		this.#tickets.delete(ticket);
		const held = this.#shares.get(entry.share);
		held?.delete(ticket);
		if (held?.size === 0) this.#shares.delete(entry.share);
	}

	sweep(): void {
		const now = this.#now();
		for (const [ticket, entry] of this.#tickets) if (entry.expiresAt <= now) this.#forget(ticket);
	}

	clear(): void {
		this.#tickets.clear();
		this.#shares.clear();
	}
}
