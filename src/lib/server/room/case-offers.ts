import { offerCase, offersAfterChange, type CaseOffer } from '../../session/case-call';
import { isLeader, type Role } from '../../session/roles';
import type { SessionState } from '../../session/state';
import type { Connection, Connections } from './connections';

/**
 * The case call's offers: held here, in the room's memory, and nowhere else (not in the
 * state, not in the document). The leaders hear the whole list; a member hears only whether
 * their own offer stands. The rules (session/case-call.ts) decide; this only keeps and tells.
 */
export class CaseOffers {
	#offers: readonly CaseOffer[] = [];
	readonly #connections: Connections;

	constructor(connections: Connections) {
		this.#connections = connections;
	}

	get list(): readonly CaseOffer[] {
		return this.#offers;
	}

	/** A member's "I have a case" (or taking it back): refused with a reason, or kept and told. */
	offer(conn: Connection, state: SessionState, actor: { id: string; role: Role }, on: boolean): void {
		const outcome = offerCase(state, this.#offers, actor, on);
		if (!outcome.ok) return this.#connections.send(conn, { type: 'refused', action: 'offer-case', code: outcome.code });
		this.#set(outcome.offers);
		// Always answered, even when nothing changed: the member's toggle shows what the server holds.
		this.#connections.send(conn, { type: 'my-case-offer', on: this.#offered(actor.id) });
	}

	/** After any change of the state: the phase left the case call, a presenter was chosen, someone left. */
	follow(previous: SessionState, next: SessionState): void {
		this.#set(offersAfterChange(previous, next, this.#offers));
	}

	/** Someone back under a new id took over their former entry (`enterRoom`): their offer goes with them. */
	takenOver(formerId: string, id: string): void {
		if (!this.#offered(formerId)) return;
		this.#offers = this.#offers.map((o) => (o.participantId === formerId ? { ...o, participantId: id } : o));
		this.#connections.toLeaders(this.#listMessage());
	}

	/** Someone entered (or came back): a leader gets the list, a member whose offer stands gets it back. */
	greet(conn: Connection): void {
		if (isLeader(conn.identity.role)) {
			if (this.#offers.length > 0) this.#connections.send(conn, this.#listMessage());
		} else if (this.#offered(conn.identity.participantId)) {
			this.#connections.send(conn, { type: 'my-case-offer', on: true });
		}
	}

	#set(next: readonly CaseOffer[]): void {
		const before = this.#offers;
		if (next === before || (next.length === before.length && next.every((o, i) => o.participantId === before[i]?.participantId))) return;
		this.#offers = next;
		this.#connections.toLeaders(this.#listMessage());
		// Those whose offer was cleared (the phase moved on, a presenter was chosen) hear so.
		for (const gone of before) {
			if (this.#offered(gone.participantId)) continue;
			for (const conn of this.#connections.of(gone.participantId)) if (conn.admitted) this.#connections.send(conn, { type: 'my-case-offer', on: false });
		}
	}

	#offered(participantId: string): boolean {
		return this.#offers.some((o) => o.participantId === participantId);
	}

	#listMessage() {
		return { type: 'case-offers', offers: this.#offers.map((o) => ({ participantId: o.participantId, name: o.name })) } as const;
	}
}
