import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Action } from './actions';
import { effectsOfChange } from './effects';
import { isFull, type LobbyView } from './lobby';
import { PHASES } from './phases';
import { isLeader, overrules } from './roles';
import { applyAction } from './rules';
import { alice, bob, coLeader, leader, NOW, olga, room } from './rules.fixtures';
import { publishingFor, type SessionState } from './state';

const actors = [leader, coLeader, alice, bob, olga];
const strangers = ['member-0003', 'member-0004', 'observer-02'];
const anyone = [...actors.map((a) => a.id), ...strangers, 'nobody-0001'];

const actionArb: fc.Arbitrary<Action> = fc.oneof(
	fc.constant<Action>({ type: 'next-phase' }),
	fc.constantFrom(...PHASES, 'nap').map((phase): Action => ({ type: 'set-phase', phase })),
	fc.constantFrom(null, ...anyone).map((participantId): Action => ({ type: 'make-presenter', participantId })),
	fc.boolean().map((listening): Action => ({ type: 'set-listening', listening })),
	fc.constant<Action>({ type: 'raise-hand' }),
	fc.constantFrom(undefined, ...anyone).map((participantId): Action => ({ type: 'lower-hand', participantId })),
	fc.boolean().map((shared): Action => ({ type: 'share-timers', shared })),
	fc.boolean().map((cameraOffWhileListening): Action => ({ type: 'set-camera-rule', cameraOffWhileListening })),
	fc.boolean().map((keepHandsUp): Action => ({ type: 'set-hand-rule', keepHandsUp })),
	fc.boolean().map((on): Action => ({ type: 'ask-help', on })),
	fc.constantFrom(...anyone).map((participantId): Action => ({ type: 'mute', participantId })),
	fc.constantFrom(...anyone).map((participantId): Action => ({ type: 'admit', participantId })),
	fc.constantFrom(...anyone).map((participantId): Action => ({ type: 'decline', participantId })),
	fc.constant<Action>({ type: 'decline-new' }),
	fc.constant<Action>({ type: 'admit-all' }),
	fc.constantFrom(...anyone).map((participantId): Action => ({ type: 'remove', participantId })),
	fc.constant<Action>({ type: 'end-session' })
);
const actorArb = fc.constantFrom(...actors);
/** Some of the strangers waiting, each new or not, in a room that may be full. */
const lobbyArb: fc.Arbitrary<LobbyView> = fc
	.tuple(fc.subarray(strangers), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 8 }))
	.map(([ids, fresh, inRoom, capacity]) => ({ waiting: ids.map((participantId, i) => ({ participantId, new: fresh[i]! })), inRoom, capacity }));
/** A room after any actions (the end included). */
const stateArb: fc.Arbitrary<SessionState> = fc.array(fc.tuple(actorArb, actionArb), { maxLength: 20 }).map((steps) => {
	let s = room();
	for (const [actor, action] of steps) {
		const outcome = applyAction(s, actor, action, NOW);
		if (outcome.ok) s = outcome.state;
	}
	return s;
});

describe('effects: properties', () => {
	it('a refused action has no effects and changes nothing', () => {
		fc.assert(
			fc.property(stateArb, actorArb, actionArb, lobbyArb, (state, actor, action, lobby) => {
				const outcome = applyAction(state, actor, action, NOW, lobby);
				if (!outcome.ok) expect(outcome).toEqual({ ok: false, code: outcome.code });
			})
		);
	});

	it('members and observers ask for no effects; every action a leader gets through closes the restore first', () => {
		fc.assert(
			fc.property(stateArb, actorArb, actionArb, lobbyArb, (state, actor, action, lobby) => {
				const outcome = applyAction(state, actor, action, NOW, lobby);
				if (!outcome.ok) return;
				if (isLeader(actor.role)) expect(outcome.effects[0]).toEqual({ type: 'close-restore' });
				else expect(outcome.effects).toEqual([]);
			})
		);
	});

	it('admit yields exactly one admit effect, for the person named and only while they wait in a room with space', () => {
		fc.assert(
			fc.property(stateArb, fc.constantFrom(leader, coLeader), fc.constantFrom(...anyone), lobbyArb, (state, actor, participantId, lobby) => {
				const outcome = applyAction(state, actor, { type: 'admit', participantId }, NOW, lobby);
				const waits = lobby.waiting.some((w) => w.participantId === participantId);
				expect(outcome.ok).toBe(state.phase !== 'ended' && waits && !isFull(lobby));
				if (!outcome.ok) return;
				expect(outcome.state).toBe(state);
				expect(outcome.effects.filter((e) => e.type === 'admit')).toEqual([{ type: 'admit', participantId }]);
			})
		);
	});

	it('decline-new declines exactly the new people waiting, in their order', () => {
		fc.assert(
			fc.property(fc.constantFrom(leader, coLeader), lobbyArb, (actor, lobby) => {
				const outcome = applyAction(room(), actor, { type: 'decline-new' }, NOW, lobby);
				const declined = outcome.ok ? outcome.effects.flatMap((e) => (e.type === 'decline' ? e.participantIds : [])) : null;
				expect(declined).toEqual(lobby.waiting.filter((w) => w.new).map((w) => w.participantId));
			})
		);
	});

	it('removing a leader is refused unless the one asking overrules them and is not them, whatever happened before', () => {
		fc.assert(
			fc.property(stateArb, actorArb, fc.constantFrom(leader, coLeader), (state, actor, target) => {
				const outcome = applyAction(state, actor, { type: 'remove', participantId: target.id }, NOW);
				const allowed = state.phase !== 'ended' && !!state.participants[target.id] && actor.id !== target.id && overrules(actor.role, target.role);
				expect(outcome.ok).toBe(allowed);
				if (!allowed && state.phase !== 'ended' && isLeader(actor.role) && state.participants[target.id])
					expect(outcome).toEqual({ ok: false, code: 'cannot-remove-leader' });
			})
		);
	});

	it('end-session by a leader yields end, once, last, whatever the phase', () => {
		fc.assert(
			fc.property(stateArb, fc.constantFrom(leader, coLeader), (state, actor) => {
				const outcome = applyAction(state, actor, { type: 'end-session' }, NOW);
				if (state.phase === 'ended') {
					expect(outcome).toEqual({ ok: false, code: 'session-ended' });
					return;
				}
				if (!outcome.ok) throw new Error(outcome.code);
				expect(outcome.state.phase).toBe('ended');
				expect(outcome.effects.filter((e) => e.type === 'end')).toHaveLength(1);
				expect(outcome.effects.at(-1)).toEqual({ type: 'end' });
			})
		);
	});

	it('after any change, the media server is told exactly whose publishing changed, and what it is now', () => {
		fc.assert(
			fc.property(stateArb, actorArb, actionArb, (state, actor, action) => {
				const outcome = applyAction(state, actor, action, NOW);
				if (!outcome.ok) return;
				const next = outcome.state;
				const told = new Map(effectsOfChange(state, next).flatMap((e) => (e.type === 'publishing' ? [[e.participantId, e.publishing] as const] : [])));
				for (const id of new Set([...Object.keys(state.participants), ...Object.keys(next.participants)])) {
					const before = publishingFor(state, id);
					const after = publishingFor(next, id);
					const changed = before.microphone !== after.microphone || before.camera !== after.camera;
					expect(told.get(id)).toEqual(changed ? after : undefined);
				}
			})
		);
	});
});
