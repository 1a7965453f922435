import { describe, expect, it } from 'vitest';
import type { Action } from './actions';
import { effectsOfChange, type Effect } from './effects';
import { arrival, linkReplacedEffects, MAX_WAITING, QUIET_LOBBY, type LobbyView, type Waiting } from './lobby';
import { setConnected } from './participants';
import { applyAction, applyLeave, type Actor } from './rules';
import { act, alice, bob, coLeader, leader, NOW, olga, room } from './rules.fixtures';
import type { SessionState } from './state';

const carol = { participantId: 'member-0003', new: true };
const dora = { participantId: 'member-0004', new: false };
const lobby = (waiting: Waiting[] = [carol, dora], inRoom = 5, capacity = 40): LobbyView => ({ waiting, inRoom, capacity });

function effectsOf(actor: Actor, action: Action, view: LobbyView = QUIET_LOBBY, state: SessionState = room()): Effect[] {
	const outcome = applyAction(state, actor, action, NOW, view);
	if (!outcome.ok) throw new Error(`refused: ${outcome.code}`);
	return outcome.effects;
}

function refusal(actor: Actor, action: Action, view: LobbyView): string | null {
	const outcome = applyAction(room(), actor, action, NOW, view);
	return outcome.ok ? null : outcome.code;
}

describe('what each action asks of the room', () => {
	it('steering changes the state only: a leader’s step closes the restore, a member’s hand asks nothing more', () => {
		expect(effectsOf(leader, { type: 'next-phase' })).toEqual([{ type: 'close-restore' }]);
		expect(effectsOf(coLeader, { type: 'set-listening', listening: false })).toEqual([{ type: 'close-restore' }]);
		expect(effectsOf(alice, { type: 'raise-hand' })).toEqual([]);
		expect(effectsOf(bob, { type: 'lower-hand' })).toEqual([]);
	});

	it('admit lets in exactly the one waiting person, then the leaders hear the lobby; someone not waiting, or a full room, is refused', () => {
		expect(effectsOf(leader, { type: 'admit', participantId: carol.participantId }, lobby())).toEqual([
			{ type: 'close-restore' },
			{ type: 'admit', participantId: carol.participantId },
			{ type: 'tell-lobby' }
		]);
		expect(refusal(leader, { type: 'admit', participantId: 'nobody-0001' }, lobby())).toBe('unknown-participant');
		expect(refusal(leader, { type: 'admit', participantId: carol.participantId }, lobby(undefined, 40, 40))).toBe('room-full');
		expect(refusal(alice, { type: 'admit', participantId: carol.participantId }, lobby())).toBe('not-allowed');
	});

	it('decline sends one waiting person away, even from a full room; decline-new sends away the new ones and keeps whoever was here before', () => {
		expect(effectsOf(coLeader, { type: 'decline', participantId: dora.participantId }, lobby(undefined, 40, 40))).toEqual([
			{ type: 'close-restore' },
			{ type: 'decline', participantIds: [dora.participantId] },
			{ type: 'tell-lobby' }
		]);
		expect(refusal(leader, { type: 'decline', participantId: 'nobody-0001' }, lobby())).toBe('unknown-participant');
		const newcomers = [carol, { participantId: 'member-0005', new: true }];
		expect(effectsOf(leader, { type: 'decline-new' }, lobby([carol, dora, newcomers[1]!]))).toEqual([
			{ type: 'close-restore' },
			{ type: 'decline', participantIds: newcomers.map((w) => w.participantId) },
			{ type: 'tell-lobby' }
		]);
		expect(effectsOf(leader, { type: 'decline-new' }, QUIET_LOBBY)).toEqual([
			{ type: 'close-restore' },
			{ type: 'decline', participantIds: [] },
			{ type: 'tell-lobby' }
		]);
	});

	it('remove takes a person out of the state, closes their sockets and moves the media room; a co-leader never removes the leader', () => {
		const outcome = applyAction(room(), leader, { type: 'remove', participantId: alice.id }, NOW);
		expect(outcome.ok && outcome.state.participants[alice.id]).toBeUndefined();
		expect(outcome.ok && outcome.effects).toEqual([
			{ type: 'close-restore' },
			{ type: 'remove', participantId: alice.id },
			{ type: 'move-media', removedId: alice.id }
		]);
		expect(refusal(coLeader, { type: 'remove', participantId: leader.id }, QUIET_LOBBY)).toBe('cannot-remove-leader');
	});

	it('mute asks the media server and changes nothing in the state; someone not in the room is refused', () => {
		const before = room();
		const outcome = applyAction(before, leader, { type: 'mute', participantId: bob.id }, NOW);
		expect(outcome).toEqual({ ok: true, state: before, effects: [{ type: 'close-restore' }, { type: 'mute', participantId: bob.id }] });
		expect(refusal(leader, { type: 'mute', participantId: 'nobody-0001' }, QUIET_LOBBY)).toBe('unknown-participant');
	});

	it('end-session ends the room, after the state has reached ended', () => {
		const outcome = applyAction(room(), coLeader, { type: 'end-session' }, NOW);
		expect(outcome.ok && outcome.state.phase).toBe('ended');
		expect(outcome.ok && outcome.effects).toEqual([{ type: 'close-restore' }, { type: 'end' }]);
	});
});

describe('what a change of state means outside it', () => {
	it('listening closes the presenter’s microphone at the media server, and their return reopens it; the camera too when the group says so', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		let next = act(s, leader, { type: 'set-listening', listening: true });
		expect(effectsOfChange(s, next)).toEqual([
			{ type: 'publishing', participantId: alice.id, role: 'member', publishing: { microphone: false, camera: true } }
		]);
		expect(effectsOfChange(next, act(next, leader, { type: 'set-listening', listening: false }))).toEqual([
			{ type: 'publishing', participantId: alice.id, role: 'member', publishing: { microphone: true, camera: true } }
		]);
		s = act(s, leader, { type: 'set-camera-rule', cameraOffWhileListening: true });
		next = act(s, leader, { type: 'set-phase', phase: 'reflection' });
		expect(effectsOfChange(s, next)).toEqual([
			{ type: 'publishing', participantId: alice.id, role: 'member', publishing: { microphone: false, camera: false } }
		]);
		// Choosing another presenter while listening: the one before speaks again, the new one listens.
		expect(
			effectsOfChange(next, act(next, leader, { type: 'make-presenter', participantId: bob.id })).map((e) => e.type === 'publishing' && e.participantId)
		).toEqual([alice.id, bob.id]);
		expect(effectsOfChange(s, act(s, alice, { type: 'raise-hand' }))).toEqual([]);
	});

	it('those waiting hear when the first leader comes or the last one goes, not otherwise', () => {
		const s = room();
		const oneLeft = setConnected(s, leader.id, false);
		expect(effectsOfChange(s, oneLeft)).toEqual([]);
		const none = setConnected(oneLeft, coLeader.id, false);
		expect(effectsOfChange(oneLeft, none)).toEqual([{ type: 'tell-waiting' }]);
		expect(effectsOfChange(none, oneLeft)).toEqual([{ type: 'tell-waiting' }]);
		expect(effectsOfChange(s, setConnected(s, olga.id, false))).toEqual([]);
	});
});

describe('arrival', () => {
	const waitingOf = (count: number) => Array.from({ length: count }, (_, i) => ({ participantId: `member-${1000 + i}`, new: true }));

	it('leaders and people let in before enter; everyone else waits', () => {
		expect(arrival('leader', false, QUIET_LOBBY)).toBe('enter');
		expect(arrival('co-leader', false, QUIET_LOBBY)).toBe('enter');
		expect(arrival('member', true, QUIET_LOBBY)).toBe('enter');
		expect(arrival('member', false, QUIET_LOBBY)).toBe('wait');
		expect(arrival('observer', false, QUIET_LOBBY)).toBe('wait');
	});

	it('a seat a leader removed stays out of the session, even in the instant of a reload', () => {
		expect(arrival('member', false, QUIET_LOBBY, true)).toBe('removed');
		expect(arrival('observer', false, QUIET_LOBBY, true)).toBe('removed');
	});

	it('a flooded lobby turns newcomers away, never someone let in before; a full room turns away only a leader who was never in', () => {
		const flooded = lobby(waitingOf(MAX_WAITING));
		expect(arrival('member', false, lobby(waitingOf(MAX_WAITING - 1)))).toBe('wait');
		expect(arrival('member', false, flooded)).toBe('lobby-full');
		expect(arrival('member', true, flooded)).toBe('enter');
		expect(arrival('leader', false, flooded)).toBe('enter');
		const full = lobby([], 40, 40);
		expect(arrival('leader', false, full)).toBe('room-full');
		expect(arrival('leader', true, full)).toBe('enter');
		expect(arrival('member', true, full)).toBe('enter');
		expect(arrival('member', false, full)).toBe('wait');
	});
});

describe('what leaving and a replaced link ask of the room', () => {
	it('someone let in who leaves is out of the state, and forgotten by the lobby and the media room; someone only waiting changes nothing', () => {
		const left = applyLeave(room(), alice.id, true);
		expect(left.state.participants[alice.id]).toBeUndefined();
		expect(left.effects).toEqual([{ type: 'left', participantId: alice.id }]);
		const waiting = room();
		expect(applyLeave(waiting, 'member-0009', false)).toEqual({ state: waiting, effects: [] });
	});

	it('a replaced link sends away only those waiting with an older generation of that link, then tells the lobby and the leaders', () => {
		const view = lobby([
			{ participantId: 'member-0005', new: true, role: 'member' },
			{ participantId: 'member-0006', new: true, role: 'member', linkGeneration: 2 },
			{ participantId: 'observer-02', new: true, role: 'observer' }
		]);
		expect(linkReplacedEffects(view, 'member', 2)).toEqual([
			{ type: 'refuse-replaced', participantIds: ['member-0005'] },
			{ type: 'tell-lobby' },
			{ type: 'tell-link-replaced', role: 'member' }
		]);
		expect(linkReplacedEffects(view, 'observer', 1)[0]).toEqual({ type: 'refuse-replaced', participantIds: ['observer-02'] });
	});
});
