import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mayPublishAtAll, permissionFor } from '../server/media';
import type { Action } from './actions';
import { ActionSchema } from './action-schema';
import { offerCase } from './case-call';
import { leaderMessageProblem } from './leader-channel';
import { addParticipant } from './participants';
import { PHASES } from './phases';
import { entersDirectly, inLeadersChannel, isLeader, ROLES, watchesOnly } from './roles';
import { applyAction, mayAct, type Actor } from './rules';
import { act, alice, bob, leader, NOW, olga, refusal, room } from './rules.fixtures';
import type { SessionState } from './state';

/*
 * The supervisor: an experienced leader who watches a leader in training at work. They watch like
 * an observer and write in the leaders' channel; they steer nothing and are never heard or seen.
 */
const sam: Actor = { id: 'supervisor1', role: 'supervisor' };
const ALL_TYPES = ActionSchema.options.map((o) => o.entries.type.literal);
const CIPHERTEXT = 'A'.repeat(60);

function supervised(): SessionState {
	return addParticipant(room(), { id: sam.id, name: 'Sam', role: 'supervisor' });
}

describe('the supervisor', () => {
	it('is the fifth role, appended after the four a compact link already names by index', () => {
		expect(ROLES.indexOf('supervisor')).toBe(4);
		expect(isLeader('supervisor')).toBe(false);
		expect(entersDirectly('supervisor')).toBe(false);
		expect(watchesOnly('supervisor')).toBe(true);
		expect(inLeadersChannel('supervisor')).toBe(true);
		// Steering and the channel part ways: observers and members are in neither.
		expect(ROLES.filter(inLeadersChannel)).toEqual(['leader', 'co-leader', 'supervisor']);
		expect(ROLES.filter(watchesOnly)).toEqual(['observer', 'supervisor']);
	});

	it('may ask for nothing but audio only: no step, no admission, no hand, no turn in a round', () => {
		expect(ALL_TYPES.filter((type) => mayAct('supervisor', type))).toEqual(['set-audio-only']);
		expect(ALL_TYPES.filter((type) => mayAct('supervisor', type))).toEqual(ALL_TYPES.filter((type) => mayAct('observer', type)));
	});

	it('cannot steer: every leader action is refused and changes nothing, in every phase', () => {
		for (const phase of PHASES.filter((p) => p !== 'ended')) {
			const s = act(supervised(), leader, { type: 'set-phase', phase });
			for (const action of [
				{ type: 'next-phase' },
				{ type: 'set-phase', phase: 'closing' },
				{ type: 'make-presenter', participantId: alice.id },
				{ type: 'set-listening', listening: true },
				{ type: 'remove', participantId: bob.id },
				{ type: 'mute', participantId: alice.id },
				{ type: 'start-round', startWith: alice.id },
				{ type: 'end-session' },
				{ type: 'admit-all' }
			] satisfies Action[])
				expect(refusal(s, sam, action), `${action.type} in ${phase}`).toBe('not-allowed');
		}
	});

	it('is never the presenter and never in a round, which goes round the members and leaders only', () => {
		const s = supervised();
		expect(refusal(s, leader, { type: 'make-presenter', participantId: sam.id })).toBe('not-a-member');
		expect(refusal(s, leader, { type: 'start-round', startWith: sam.id })).toBe('not-a-speaker');
		const round = act(s, leader, { type: 'start-round', startWith: alice.id }).round;
		expect(round?.order).not.toContain(sam.id);
		expect(round?.order).not.toContain(olga.id);
	});

	it('raises no hand and offers no case: the group does not hear from the supervisor', () => {
		const s = act(supervised(), leader, { type: 'set-phase', phase: 'case-call' });
		expect(refusal(s, sam, { type: 'raise-hand' })).toBe('not-allowed');
		expect(refusal(s, sam, { type: 'lower-hand' })).toBe('not-allowed');
		expect(offerCase(s, [], sam, true)).toEqual({ ok: false, code: 'offer-members-only' });
	});

	it('publishes nothing at the media server, whatever the session says', () => {
		expect(mayPublishAtAll('supervisor')).toBe(false);
		const rights = permissionFor('supervisor', { microphone: true, camera: true });
		expect(rights).toMatchObject({ canSubscribe: true, canPublish: false, canPublishSources: [], canPublishData: false });
	});

	it("writes in the leaders' channel, as the leaders do and no member or observer", () => {
		expect(leaderMessageProblem('supervisor', CIPHERTEXT)).toBeNull();
		expect(leaderMessageProblem('leader', CIPHERTEXT)).toBeNull();
		expect(leaderMessageProblem('member', CIPHERTEXT)).toBe('not-allowed');
		expect(leaderMessageProblem('observer', CIPHERTEXT)).toBe('not-allowed');
		expect(leaderMessageProblem('supervisor', 'A'.repeat(5000))).toBe('leader-message-too-long');
	});

	it('after any actions by anyone, whatever the supervisor asks changes nothing but their own audio only', () => {
		const actors = [leader, alice, olga, sam];
		const ids = [...actors.map((a) => a.id), bob.id];
		const actionArb: fc.Arbitrary<Action> = fc.oneof(
			fc.constantFrom<Action>({ type: 'next-phase' }, { type: 'raise-hand' }, { type: 'round-next' }, { type: 'round-pass' }, { type: 'end-round' }),
			fc.constantFrom(...PHASES).map((phase): Action => ({ type: 'set-phase', phase })),
			fc.constantFrom(null, ...ids).map((participantId): Action => ({ type: 'make-presenter', participantId })),
			fc.constantFrom(...ids).map((startWith): Action => ({ type: 'start-round', startWith })),
			fc.constantFrom(undefined, ...ids).map((participantId): Action => ({ type: 'lower-hand', participantId })),
			fc.boolean().map((on): Action => ({ type: 'set-audio-only', on }))
		);
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.constantFrom(...actors), actionArb), { maxLength: 20 }), actionArb, (steps, last) => {
				let before = supervised();
				for (const [who, step] of steps) {
					const outcome = applyAction(before, who, step, NOW);
					if (outcome.ok) before = outcome.state;
				}
				const outcome = applyAction(before, sam, last, NOW);
				if (!outcome.ok) return;
				const { [sam.id]: mine, ...others } = outcome.state.participants;
				expect({ ...outcome.state, participants: others }).toEqual({
					...before,
					participants: Object.fromEntries(Object.entries(before.participants).filter(([id]) => id !== sam.id))
				});
				expect({ ...mine, audioOnly: false }).toEqual({ ...before.participants[sam.id], audioOnly: false });
				expect(outcome.effects.every((e) => e.type === 'publishing')).toBe(true);
			})
		);
	});
});
