import { describe, expect, it } from 'vitest';
import { addParticipant } from './participants';
import { currentSpeaker, dropFromRound, movedInRound, restoredRound, roundEntries, roundMark } from './rounds';
import { applyLeave } from './rules';
import { act, alice, bob, coLeader, leader, olga, refusal, room } from './rules.fixtures';
import type { SessionState } from './state';

const start = (s: SessionState, startWith: string, order?: string[]) => act(s, leader, { type: 'start-round', startWith, ...(order ? { order } : {}) });

describe('a presenter who starts listening', () => {
	it('leaves a running round if their turn is still to come; a turn they had stays in the order', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: bob.id });
		s = start(s, alice.id);
		expect(s.round?.order).toContain(bob.id);
		s = act(s, leader, { type: 'set-phase', phase: 'reflection' });
		expect(s.round?.order).toEqual([alice.id, leader.id, coLeader.id]);
		expect(currentSpeaker(s)).toBe(alice.id);
		// Bo had his turn before listening began (by hand): it stays his.
		let t = start(act(room(), leader, { type: 'make-presenter', participantId: bob.id }), bob.id);
		t = act(t, bob, { type: 'round-next' });
		t = act(t, leader, { type: 'set-listening', listening: true });
		expect(t.round?.order[0]).toBe(bob.id);
		expect(currentSpeaker(t)).not.toBe(bob.id);
	});
});

describe('starting a round', () => {
	it('goes round everyone who speaks, in the order they came in, from whom the leader picks; observers listen', () => {
		const s = start(room(), alice.id);
		expect(s.round).toEqual({ order: [alice.id, bob.id, leader.id, coLeader.id], current: 0, passed: [] });
		expect(currentSpeaker(s)).toBe(alice.id);
	});

	it('leaves a listening presenter out by default; a leader may name them in an order of their own', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: bob.id });
		s = act(s, leader, { type: 'set-phase', phase: 'reflection' });
		expect(start(s, leader.id).round?.order).toEqual([leader.id, coLeader.id, alice.id]);
		expect(refusal(s, leader, { type: 'start-round', startWith: bob.id })).toBe('presenter-listening');
		expect(start(s, bob.id, [alice.id, bob.id]).round?.order).toEqual([bob.id, alice.id]);
	});

	it('refuses observers, strangers, repeats and a start outside the order', () => {
		const s = room();
		expect(refusal(s, leader, { type: 'start-round', startWith: olga.id })).toBe('not-a-speaker');
		expect(refusal(s, leader, { type: 'start-round', startWith: alice.id, order: [alice.id, olga.id] })).toBe('not-a-speaker');
		expect(refusal(s, leader, { type: 'start-round', startWith: 'nobody-0001' })).toBe('unknown-participant');
		expect(refusal(s, leader, { type: 'start-round', startWith: alice.id, order: [alice.id, alice.id] })).toBe('bad-round-order');
		expect(refusal(s, leader, { type: 'start-round', startWith: alice.id, order: [bob.id] })).toBe('bad-round-order');
	});

	it('only leaders start, reorder or end a round', () => {
		const s = start(room(), alice.id);
		for (const who of [alice, bob, olga]) {
			expect(refusal(s, who, { type: 'start-round', startWith: alice.id })).toBe('not-allowed');
			expect(refusal(s, who, { type: 'reorder-round', order: s.round!.order })).toBe('not-allowed');
			expect(refusal(s, who, { type: 'end-round' })).toBe('not-allowed');
		}
	});

	it('a new round replaces the old one', () => {
		let s = act(start(room(), alice.id), alice, { type: 'round-next' });
		s = start(s, coLeader.id);
		expect(s.round).toEqual({ order: [coLeader.id, alice.id, bob.id, leader.id], current: 0, passed: [] });
	});
});

describe('turns', () => {
	it('the speaker moves on or passes; the others wait their turn; after the last the round is complete', () => {
		let s = start(room(), alice.id);
		expect(refusal(s, bob, { type: 'round-next' })).toBe('not-your-turn');
		expect(refusal(s, bob, { type: 'round-pass' })).toBe('not-your-turn');
		expect(refusal(s, olga, { type: 'round-next' })).toBe('not-allowed');
		s = act(s, alice, { type: 'round-next' });
		expect(currentSpeaker(s)).toBe(bob.id);
		expect(refusal(s, alice, { type: 'round-next' })).toBe('not-your-turn');
		s = act(s, bob, { type: 'round-pass' });
		expect(s.round?.passed).toEqual([bob.id]);
		expect([alice, bob, leader, coLeader].map((p) => roundMark(s, p.id))).toEqual(['spoken', 'passed', 'speaking', 'next']);
		s = act(s, leader, { type: 'round-next' });
		s = act(s, coLeader, { type: 'round-next' });
		expect(currentSpeaker(s)).toBeNull();
		expect(s.round?.current).toBe(4);
		// Finished: still listed for everyone, no marks on the tiles, no more turns.
		expect(roundEntries(s).map((e) => e.mark)).toEqual(['spoken', 'passed', 'spoken', 'spoken']);
		expect(roundMark(s, alice.id)).toBeNull();
		expect(refusal(s, leader, { type: 'round-next' })).toBe('no-round');
		expect(refusal(s, alice, { type: 'round-next' })).toBe('no-round');
	});

	it('a leader moves anyone’s turn on or passes for them', () => {
		let s = start(room(), alice.id);
		s = act(s, coLeader, { type: 'round-pass' });
		s = act(s, leader, { type: 'round-next' });
		expect(s.round).toMatchObject({ current: 2, passed: [alice.id] });
	});

	it('a leader reorders only who is still to come', () => {
		let s = act(start(room(), alice.id), alice, { type: 'round-next' });
		s = act(s, leader, { type: 'reorder-round', order: [alice.id, bob.id, coLeader.id, leader.id] });
		expect(s.round).toMatchObject({ order: [alice.id, bob.id, coLeader.id, leader.id], current: 1 });
		for (const order of [
			[bob.id, alice.id, coLeader.id, leader.id],
			[alice.id, coLeader.id, bob.id, leader.id],
			[alice.id, bob.id, coLeader.id],
			[alice.id, bob.id, coLeader.id, olga.id],
			[alice.id, bob.id, coLeader.id, coLeader.id]
		]) {
			expect(refusal(s, leader, { type: 'reorder-round', order })).toBe('bad-round-order');
		}
	});

	it('up and down move only those still to come, and always give an order the rules take', () => {
		const s = act(start(room(), alice.id), alice, { type: 'round-next' });
		const round = s.round!;
		expect(movedInRound(round, 3, -1)).toEqual([alice.id, bob.id, coLeader.id, leader.id]);
		expect(movedInRound(round, 2, -1)).toBeNull();
		expect(movedInRound(round, 1, 1)).toBeNull();
		expect(movedInRound(round, 3, 1)).toBeNull();
		act(s, leader, { type: 'reorder-round', order: movedInRound(round, 2, 1)! });
	});

	it('a leader ends a round at any time, or closes a finished one; without a round there is nothing to end', () => {
		let s = start(room(), alice.id);
		s = act(s, leader, { type: 'end-round' });
		expect(s.round).toBeNull();
		expect(refusal(s, leader, { type: 'end-round' })).toBe('no-round');
		expect(refusal(s, leader, { type: 'reorder-round', order: [] })).toBe('no-round');
	});

	it('a finished round gives way at the next phase; a running one goes on; the end of the session ends it', () => {
		let s = start(act(room(), leader, { type: 'next-phase' }), alice.id);
		s = act(s, leader, { type: 'next-phase' });
		expect(currentSpeaker(s)).toBe(alice.id);
		s = act(s, leader, { type: 'end-session' });
		expect(s.round).toBeNull();
		s = start(room(), alice.id, [alice.id]);
		s = act(s, alice, { type: 'round-next' });
		expect(s.round).not.toBeNull();
		expect(act(s, leader, { type: 'next-phase' }).round).toBeNull();
	});
});

describe('who drops out', () => {
	it('someone removed or leaving leaves the order; if it was their turn, the next person’s begins', () => {
		let s = start(room(), alice.id);
		s = act(s, leader, { type: 'remove', participantId: alice.id });
		expect(s.round).toEqual({ order: [bob.id, leader.id, coLeader.id], current: 0, passed: [] });
		s = act(s, bob, { type: 'round-pass' });
		s = applyLeave(s, bob.id, true).state;
		expect(s.round).toEqual({ order: [leader.id, coLeader.id], current: 0, passed: [] });
		s = act(s, leader, { type: 'round-next' });
		s = applyLeave(s, coLeader.id, true).state;
		expect(s.round).toEqual({ order: [leader.id], current: 1, passed: [] });
		expect(currentSpeaker(s)).toBeNull();
	});

	it('someone let in during a round is not added to it', () => {
		let s = start(room(), alice.id);
		s = addParticipant(s, { id: 'member-0003', name: 'Cid', role: 'member' });
		expect(s.round?.order).not.toContain('member-0003');
	});

	it('a round with nobody left is gone', () => {
		expect(dropFromRound({ order: [alice.id], current: 0, passed: [] }, alice.id)).toBeNull();
	});
});

describe('a round from a replica', () => {
	const known = (id: string) => [alice.id, bob.id, leader.id].includes(id);
	it('keeps only people the room knows, a turn within the order and passes by those who had theirs', () => {
		expect(restoredRound({ order: [alice.id, 'ghost-00001', bob.id, leader.id], current: 2, passed: [alice.id, bob.id] }, known)).toEqual({
			order: [alice.id, bob.id, leader.id],
			current: 1,
			passed: [alice.id]
		});
		expect(restoredRound({ order: [alice.id, bob.id], current: 9, passed: [] }, known)).toEqual({ order: [alice.id, bob.id], current: 2, passed: [] });
		expect(restoredRound({ order: [alice.id, alice.id], current: 0, passed: [] }, known)).toBeNull();
		expect(restoredRound({ order: ['ghost-00001'], current: 0, passed: [] }, known)).toBeNull();
		expect(restoredRound(null, known)).toBeNull();
	});
});
