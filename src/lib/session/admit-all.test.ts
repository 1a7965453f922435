import { describe, expect, it } from 'vitest';
import type { LobbyView, Waiting } from './lobby';
import { applyAction, mayAct } from './rules';
import { alice, coLeader, leader, NOW, olga, room } from './rules.fixtures';

const carol: Waiting = { participantId: 'member-0003', new: true };
const dora: Waiting = { participantId: 'member-0004', new: false };
const erik: Waiting = { participantId: 'member-0005', new: true };
const lobby = (waiting: Waiting[], inRoom = 5, capacity = 40): LobbyView => ({ waiting, inRoom, capacity });

describe('admit all', () => {
	it('lets in everyone waiting, in the order they came, then the leaders hear the lobby; the state does not change', () => {
		const state = room();
		const outcome = applyAction(state, coLeader, { type: 'admit-all' }, NOW, lobby([dora, carol, erik]));
		expect(outcome).toEqual({
			ok: true,
			state,
			effects: [
				{ type: 'close-restore' },
				{ type: 'admit', participantId: dora.participantId },
				{ type: 'admit', participantId: carol.participantId },
				{ type: 'admit', participantId: erik.participantId },
				{ type: 'tell-lobby' }
			]
		});
	});

	it('admits only as many as the room has space for; the others keep waiting', () => {
		const outcome = applyAction(room(), leader, { type: 'admit-all' }, NOW, lobby([carol, dora, erik], 38, 40));
		const admitted = outcome.ok ? outcome.effects.flatMap((e) => (e.type === 'admit' ? [e.participantId] : [])) : null;
		expect(admitted).toEqual([carol.participantId, dora.participantId]);
	});

	it('is refused in a full room, and does nothing when nobody waits', () => {
		expect(applyAction(room(), leader, { type: 'admit-all' }, NOW, lobby([carol], 40, 40))).toEqual({ ok: false, code: 'room-full' });
		const empty = applyAction(room(), leader, { type: 'admit-all' }, NOW, lobby([]));
		expect(empty.ok && empty.effects.filter((e) => e.type === 'admit')).toEqual([]);
	});

	it('leaves to a leader whoever would take the place of someone whose connection is gone (the same name and role)', () => {
		const gone = { ...room(), participants: { ...room().participants, [alice.id]: { ...room().participants[alice.id]!, connected: false } } };
		const anotherAlice: Waiting = { participantId: 'member-0009', new: true, role: 'member', name: 'Alice' };
		const outcome = applyAction(gone, leader, { type: 'admit-all' }, NOW, lobby([carol, anotherAlice]));
		const admitted = outcome.ok ? outcome.effects.flatMap((e) => (e.type === 'admit' ? [e.participantId] : [])) : null;
		expect(admitted).toEqual([carol.participantId]);
		// One at a time, a leader's own admission lets her in (and she takes that place).
		expect(applyAction(gone, leader, { type: 'admit', participantId: anotherAlice.participantId }, NOW, lobby([anotherAlice])).ok).toBe(true);
	});

	it('admits a person with two waiting tabs once', () => {
		const outcome = applyAction(room(), leader, { type: 'admit-all' }, NOW, lobby([carol, carol, dora]));
		expect(outcome.ok && outcome.effects.filter((e) => e.type === 'admit')).toHaveLength(2);
	});

	it('is for leaders only: a member or an observer is refused and nobody is let in', () => {
		expect(mayAct('leader', 'admit-all')).toBe(true);
		expect(mayAct('co-leader', 'admit-all')).toBe(true);
		for (const actor of [alice, olga]) {
			expect(mayAct(actor.role, 'admit-all')).toBe(false);
			expect(applyAction(room(), actor, { type: 'admit-all' }, NOW, lobby([carol, dora]))).toEqual({ ok: false, code: 'not-allowed' });
		}
	});
});
