import type { RefusalCode } from './action-schema';
import type { Role } from './roles';
import type { SessionState } from './state';

/*
 * The case call: "who has a case?". A member says they have one (and may take it back); the
 * leaders see who offered, in order, and choose the presenter. The offers are the leaders'
 * business only: the server's room holds them in memory, never in the shared document, and
 * sends them to leaders alone (server/room/case-offers.ts). These are its rules, pure.
 */

/** One member's offer of a case; the name is the one the server knows, never what a client claims. */
export interface CaseOffer {
	participantId: string;
	name: string;
}

export type OfferOutcome = { ok: true; offers: CaseOffer[] } | { ok: false; code: RefusalCode };

/** Who may offer a case: members alone (a leader chooses, an observer watches). */
export function mayOfferCase(role: Role): boolean {
	return role === 'member';
}

/**
 * A member offers a case (`on`) or takes the offer back, in the case call only. An offer made
 * again keeps its place; one taken back and made again goes to the end. A refusal changes nothing.
 */
export function offerCase(state: SessionState, offers: readonly CaseOffer[], actor: { id: string; role: Role }, on: boolean): OfferOutcome {
	if (state.phase === 'ended') return { ok: false, code: 'session-ended' };
	if (!mayOfferCase(actor.role)) return { ok: false, code: 'offer-members-only' };
	const me = state.participants[actor.id];
	if (!me) return { ok: false, code: 'unknown-participant' };
	if (state.phase !== 'case-call') return { ok: false, code: 'offer-outside-case-call' };
	const offered = offers.some((o) => o.participantId === actor.id);
	if (on === offered) return { ok: true, offers: [...offers] };
	if (!on) return { ok: true, offers: offers.filter((o) => o.participantId !== actor.id) };
	return { ok: true, offers: [...offers, { participantId: actor.id, name: me.name }] };
}

/**
 * What is left of the offers after any change of the state: nothing once the phase leaves the
 * case call; not the one just made presenter, nor anyone who has left or was removed. The same array
 * when nothing changed, so the room tells nobody.
 */
export function offersAfterChange(previous: SessionState, next: SessionState, offers: readonly CaseOffer[]): readonly CaseOffer[] {
	if (offers.length === 0) return offers;
	if (next.phase !== 'case-call') return [];
	// The one made presenter has their case taken up; the others' offers stand (for a second case).
	const chosen = next.presenterId !== null && next.presenterId !== previous.presenterId ? next.presenterId : null;
	const kept = offers.filter((o) => Object.hasOwn(next.participants, o.participantId) && o.participantId !== chosen);
	return kept.length === offers.length ? offers : kept;
}
