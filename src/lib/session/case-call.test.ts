import { describe, expect, it } from 'vitest';
import { offerCase, offersAfterChange, type CaseOffer } from './case-call';
import { act, alice, bob, coLeader, leader, olga, room } from './rules.fixtures';
import type { SessionState } from './state';
import { removeParticipant } from './participants';

function caseCall(): SessionState {
	return act(room(), leader, { type: 'set-phase', phase: 'case-call' });
}

function offers(state: SessionState, list: readonly CaseOffer[], actor: typeof alice, on: boolean): CaseOffer[] {
	const outcome = offerCase(state, list, actor, on);
	if (!outcome.ok) throw new Error(`refused: ${outcome.code}`);
	return outcome.offers;
}

describe('the case call', () => {
	it('members offer in the case call, in order of offering, with the name the server knows', () => {
		const s = caseCall();
		let list = offers(s, [], bob, true);
		list = offers(s, list, alice, true);
		expect(list).toEqual([
			{ participantId: bob.id, name: 'Bob' },
			{ participantId: alice.id, name: 'Alice' }
		]);
		// Offering again keeps the place; taking it back and offering again goes to the end.
		expect(offers(s, list, bob, true)).toEqual(list);
		list = offers(s, list, bob, false);
		expect(list).toEqual([{ participantId: alice.id, name: 'Alice' }]);
		expect(offers(s, list, bob, true).map((o) => o.name)).toEqual(['Alice', 'Bob']);
		// Taking back an offer never made changes nothing.
		expect(offers(s, [], alice, false)).toEqual([]);
	});

	it('refuses leaders and observers, a stranger, every other phase and an ended session, changing nothing', () => {
		const s = caseCall();
		const list: CaseOffer[] = [{ participantId: bob.id, name: 'Bob' }];
		for (const who of [leader, coLeader, olga]) expect(offerCase(s, list, who, true)).toEqual({ ok: false, code: 'offer-members-only' });
		expect(offerCase(s, list, { id: 'stranger-001', role: 'member' }, true)).toEqual({ ok: false, code: 'unknown-participant' });
		for (const phase of ['gathering', 'opening', 'presentation', 'questions', 'reflection', 'return', 'closing'] as const) {
			const elsewhere = act(room(), leader, { type: 'set-phase', phase });
			expect(offerCase(elsewhere, list, alice, true), phase).toEqual({ ok: false, code: 'offer-outside-case-call' });
			expect(offerCase(elsewhere, list, bob, false), phase).toEqual({ ok: false, code: 'offer-outside-case-call' });
		}
		const ended = act(s, leader, { type: 'end-session' });
		expect(offerCase(ended, list, alice, true)).toEqual({ ok: false, code: 'session-ended' });
		expect(list).toEqual([{ participantId: bob.id, name: 'Bob' }]);
	});

	it('the presenter chosen drops out of the offers (the others stand); the phase leaving the case call clears them; whoever leaves drops out', () => {
		const s = caseCall();
		const list = offers(s, offers(s, [], alice, true), bob, true);
		// A change that concerns none of it keeps the very same list.
		const handUp = act(s, alice, { type: 'raise-hand' });
		expect(offersAfterChange(s, handUp, list)).toBe(list);
		expect(offersAfterChange(s, act(s, leader, { type: 'make-presenter', participantId: bob.id }), list)).toEqual([{ participantId: alice.id, name: 'Alice' }]);
		expect(offersAfterChange(s, act(s, leader, { type: 'next-phase' }), list)).toEqual([]);
		expect(offersAfterChange(s, act(s, leader, { type: 'set-phase', phase: 'opening' }), list)).toEqual([]);
		expect(offersAfterChange(s, removeParticipant(s, alice.id), list)).toEqual([{ participantId: bob.id, name: 'Bob' }]);
		// Clearing the presenter is no choice: the offers stay.
		const chosen = act(s, leader, { type: 'make-presenter', participantId: bob.id });
		expect(offersAfterChange(chosen, act(chosen, leader, { type: 'make-presenter', participantId: null }), list)).toBe(list);
	});
});

describe('the leaders channel rules', async () => {
	const { leaderMessageProblem, MAX_LEADER_CIPHERTEXT } = await import('./leader-channel');
	const ok = 'A'.repeat(60);

	it('leaders may send ciphertext up to the bound; nobody else, and nothing else', () => {
		expect(leaderMessageProblem('leader', ok)).toBeNull();
		expect(leaderMessageProblem('co-leader', 'x'.repeat(MAX_LEADER_CIPHERTEXT))).toBeNull();
		expect(leaderMessageProblem('member', ok)).toBe('not-allowed');
		expect(leaderMessageProblem('observer', ok)).toBe('not-allowed');
		expect(leaderMessageProblem('leader', 'x'.repeat(MAX_LEADER_CIPHERTEXT + 1))).toBe('leader-message-too-long');
		expect(leaderMessageProblem('leader', 'short')).toBe('leader-message-malformed');
		expect(leaderMessageProblem('leader', 'Shall we move to return? '.repeat(3))).toBe('leader-message-malformed');
	});
});
