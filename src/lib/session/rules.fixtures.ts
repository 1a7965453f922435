import type { Action } from './actions';
import { addParticipant } from './participants';
import { applyAction, type Actor } from './rules';
import { initialState, type SessionState } from './state';

/* The people and the room the rulebook's tests share. */

export const NOW = 1_000_000;
export const leader: Actor = { id: 'leader-0001', role: 'leader' };
export const coLeader: Actor = { id: 'coleader-01', role: 'co-leader' };
export const alice: Actor = { id: 'member-0001', role: 'member' };
export const bob: Actor = { id: 'member-0002', role: 'member' };
export const olga: Actor = { id: 'observer-01', role: 'observer' };

export function room(): SessionState {
	let s = initialState('session-0001', 90, 0);
	for (const [a, name] of [
		[leader, 'Lea'],
		[coLeader, 'Cole'],
		[alice, 'Alice'],
		[bob, 'Bob'],
		[olga, 'Olga']
	] as const) {
		s = addParticipant(s, { id: a.id, name, role: a.role });
	}
	return s;
}

export function act(state: SessionState, actor: Actor, action: Action, now = NOW): SessionState {
	const outcome = applyAction(state, actor, action, now);
	if (!outcome.ok) throw new Error(`refused: ${outcome.code}`);
	return outcome.state;
}

export function refusal(state: SessionState, actor: Actor, action: Action): string | null {
	const outcome = applyAction(state, actor, action, NOW);
	return outcome.ok ? null : outcome.code;
}
