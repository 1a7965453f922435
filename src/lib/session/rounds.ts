import type { RefusalCode } from './action-schema';
import { isLeader, type Role } from './roles';
import { MAX_ROUND_SPEAKERS, type Participant, type Round, type SessionState } from './state';

export type { Round };

/*
 * Rounds: everyone speaks in turn (a check-in at the opening, a closing round), in a fixed
 * order shown to all. Pure rules; `rules.ts` decides who may ask, these say what happens.
 */

/** A person's place in a running round, as a tile or an entry shows it. */
export type RoundMark = 'speaking' | 'next' | 'passed' | 'spoken';

type RoundChange = { ok: true; round: Round | null } | { ok: false; code: RefusalCode };
const ok = (round: Round | null): RoundChange => ({ ok: true, round });
const no = (code: RefusalCode): RoundChange => ({ ok: false, code });

/** Observers (and anyone else who never speaks) are never part of a round. */
export function speaksInRounds(role: Role): boolean {
	return role === 'member' || isLeader(role);
}

/** A round that still has a speaker; a finished one stays visible until the phase changes or a leader closes it. */
export function roundRunning(round: Round | null): round is Round {
	return round !== null && round.current < round.order.length;
}

export function currentSpeaker(state: Pick<SessionState, 'round'>): string | null {
	return roundRunning(state.round) ? (state.round.order[state.round.current] ?? null) : null;
}

function markAt(round: Round, index: number): RoundMark | null {
	const id = round.order[index];
	if (id === undefined) return null;
	if (index === round.current) return 'speaking';
	if (index < round.current) return round.passed.includes(id) ? 'passed' : 'spoken';
	return index === round.current + 1 ? 'next' : null;
}

/** The mark a person's tile or roster entry shows: only while a round runs. */
export function roundMark(state: Pick<SessionState, 'round'>, participantId: string): RoundMark | null {
	if (!roundRunning(state.round)) return null;
	return markAt(state.round, state.round.order.indexOf(participantId));
}

/**
 * The round as a list, in speaking order, for everyone's round panel (finished rounds too).
 * `index` is the place in `order`; someone not back yet after a restart is not listed.
 */
export function roundEntries(state: Pick<SessionState, 'round' | 'participants'>): { index: number; person: Participant; mark: RoundMark | null }[] {
	const round = state.round;
	if (!round) return [];
	return round.order.flatMap((id, index) => {
		const person = state.participants[id];
		return person ? [{ index, person, mark: markAt(round, index) }] : [];
	});
}

/** The order with the person at `index` moved one place up (-1) or down (+1), or null when they cannot move there. */
export function movedInRound(round: Round, index: number, by: -1 | 1): string[] | null {
	const to = index + by;
	if (index <= round.current || to <= round.current || to >= round.order.length) return null;
	const order = [...round.order];
	[order[index], order[to]] = [order[to]!, order[index]!];
	return order;
}

/** Why this person cannot be in a round, or null when they can. */
function notASpeaker(state: SessionState, id: string): RefusalCode | null {
	const person = state.participants[id];
	if (!person) return 'unknown-participant';
	return speaksInRounds(person.role) ? null : 'not-a-speaker';
}

/**
 * A new round, replacing any other. The circle is the leader's `circle` or, by default,
 * everyone in the room who speaks (in the order they came in) but a listening presenter; it
 * starts with `startWith` and goes round from there.
 */
export function startRound(state: SessionState, startWith: string, circle?: string[]): RoundChange {
	const problem = notASpeaker(state, startWith);
	if (problem) return no(problem);
	const listener = state.listening ? state.presenterId : null;
	if (!circle && startWith === listener) return no('presenter-listening');
	const ids = circle ?? Object.values(state.participants).flatMap((p) => (speaksInRounds(p.role) && p.id !== listener ? [p.id] : []));
	if (new Set(ids).size !== ids.length || ids.length > MAX_ROUND_SPEAKERS) return no('bad-round-order');
	for (const id of ids) {
		const refusal = notASpeaker(state, id);
		if (refusal) return no(refusal);
	}
	const start = ids.indexOf(startWith);
	if (start < 0) return no('bad-round-order');
	return ok({ order: [...ids.slice(start), ...ids.slice(0, start)], current: 0, passed: [] });
}

/** The current speaker is done (or passes): the turn moves on; after the last one the round is over. */
export function moveOn(round: Round | null, pass: boolean): RoundChange {
	if (!roundRunning(round)) return no('no-round');
	const speaker = round.order[round.current]!;
	return ok({ ...round, current: round.current + 1, passed: pass ? [...round.passed, speaker] : round.passed });
}

/**
 * A leader reorders those still to come. Who has had their turn, and who speaks now, keep their
 * places: `order` must be the same people, with the same beginning up to the current speaker.
 */
export function reorderRound(round: Round | null, order: string[]): RoundChange {
	if (!roundRunning(round)) return no('no-round');
	const fixed = round.current + 1;
	const same = order.length === round.order.length && new Set(order).size === order.length && order.every((id) => round.order.includes(id));
	if (!same || order.slice(0, fixed).some((id, i) => id !== round.order[i])) return no('bad-round-order');
	return ok({ ...round, order: [...order] });
}

/**
 * Someone who leaves or is removed drops out of the order. If it was their turn, the next
 * person's turn begins; a round with nobody left is gone.
 */
export function dropFromRound(round: Round | null, id: string): Round | null {
	if (!round) return null;
	const index = round.order.indexOf(id);
	if (index < 0) return round;
	const order = round.order.filter((other) => other !== id);
	if (order.length === 0) return null;
	return { order, current: index < round.current ? round.current - 1 : round.current, passed: round.passed.filter((other) => other !== id) };
}

/**
 * A round from a leader's replica after a server restart, made consistent: ids given once,
 * a turn within the order, passes only by those who had their turn, and nobody the room does
 * not know (`known`: someone who was in the room, or is here with a speaking role).
 */
export function restoredRound(round: Round | null | undefined, known: (id: string) => boolean): Round | null {
	if (!round || new Set(round.order).size !== round.order.length) return null;
	const current = Math.min(round.current, round.order.length);
	const before = new Set(round.order.slice(0, current));
	let restored: Round | null = { order: [...round.order], current, passed: [...new Set(round.passed)].filter((id) => before.has(id)) };
	for (const id of round.order) if (!known(id)) restored = dropFromRound(restored, id);
	return restored;
}
