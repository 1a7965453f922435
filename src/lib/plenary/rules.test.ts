import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_PLENARY_PEOPLE, type PlenaryState } from './protocol';
import {
	applyPlenaryAction,
	disconnected,
	enterPlenary,
	handQueue,
	headcount,
	initialPlenary,
	leavePlenary,
	type PlenaryAction,
	type PlenaryActor,
	type PlenaryArrival
} from './rules';

const organiser: PlenaryArrival = { id: 'organiser-01', name: 'Organiser', role: 'moderator', group: null, organiser: true };
const leader: PlenaryArrival = { id: 'leader-0001', name: 'Lena', role: 'moderator', group: 'Group A', organiser: false };
const alice: PlenaryArrival = { id: 'alice-00001', name: 'Alice', role: 'participant', group: 'Group A', organiser: false };
const bob: PlenaryArrival = { id: 'bob-0000001', name: 'Bob', role: 'participant', group: 'Group B', organiser: false };
const olga: PlenaryArrival = { id: 'olga-000001', name: 'Olga', role: 'listener', group: 'Group C', organiser: false };
const people = [organiser, leader, alice, bob, olga];

function plenary(): PlenaryState {
	let state = initialPlenary('Journal club', 1000);
	for (const p of people) state = enterPlenary(state, p)!;
	return state;
}

const as = (p: PlenaryArrival): PlenaryActor => ({ id: p.id, role: p.role, organiser: p.organiser });

function act(state: PlenaryState, who: PlenaryArrival, action: PlenaryAction): PlenaryState {
	const outcome = applyPlenaryAction(state, as(who), action);
	if (!outcome.ok) throw new Error(`refused: ${outcome.code}`);
	return outcome.state;
}

function refusal(state: PlenaryState, who: PlenaryArrival, action: PlenaryAction): string | null {
	const outcome = applyPlenaryAction(state, as(who), action);
	return outcome.ok ? null : outcome.code;
}

describe('the plenary rules', () => {
	it('queues hands in the order they were raised, and lowering one keeps the others in order', () => {
		let s = plenary();
		s = act(s, bob, { type: 'raise-hand' });
		s = act(s, leader, { type: 'raise-hand' });
		s = act(s, alice, { type: 'raise-hand' });
		expect(handQueue(s).map((p) => p.name)).toEqual(['Bob', 'Lena', 'Alice']);
		s = act(s, leader, { type: 'lower-hand' });
		expect(handQueue(s).map((p) => p.name)).toEqual(['Bob', 'Alice']);
		// Raising again goes to the back of the queue; raising twice changes nothing.
		s = act(s, leader, { type: 'raise-hand' });
		expect(act(s, leader, { type: 'raise-hand' })).toBe(s);
		expect(handQueue(s).map((p) => p.name)).toEqual(['Bob', 'Alice', 'Lena']);
	});

	it('lets a listener raise no hand, and only a moderator lower another person’s', () => {
		let s = act(plenary(), bob, { type: 'raise-hand' });
		expect(refusal(s, olga, { type: 'raise-hand' })).toBe('not-a-speaker');
		expect(refusal(s, alice, { type: 'lower-hand', participantId: bob.id })).toBe('not-allowed');
		s = act(s, leader, { type: 'lower-hand', participantId: bob.id });
		expect(handQueue(s)).toEqual([]);
		expect(refusal(s, leader, { type: 'lower-hand', participantId: 'nobody-0001' })).toBe('no-such-person');
	});

	it('a moderator mutes through the media server (an effect); a participant cannot, and a listener has nothing to mute', () => {
		const s = plenary();
		const outcome = applyPlenaryAction(s, as(leader), { type: 'mute', participantId: alice.id });
		expect(outcome).toEqual({ ok: true, state: s, effects: [{ type: 'mute', participantId: alice.id }] });
		expect(refusal(s, alice, { type: 'mute', participantId: bob.id })).toBe('not-allowed');
		expect(refusal(s, leader, { type: 'mute', participantId: olga.id })).toBe('not-a-speaker');
		// The organiser may mute a group's leader too.
		expect(refusal(s, organiser, { type: 'mute', participantId: leader.id })).toBeNull();
	});

	it('a moderator removes anyone but a moderator; the speaker view goes with the removed person', () => {
		let s = act(plenary(), leader, { type: 'pin', participantId: bob.id });
		const outcome = applyPlenaryAction(s, as(leader), { type: 'remove', participantId: bob.id });
		if (!outcome.ok) throw new Error('refused');
		expect(outcome.effects).toEqual([{ type: 'remove', participantId: bob.id }]);
		s = outcome.state;
		expect(s.participants[bob.id]).toBeUndefined();
		expect(s.pinned).toBeNull();
		expect(refusal(s, organiser, { type: 'remove', participantId: leader.id })).toBe('not-removable');
		expect(refusal(s, leader, { type: 'remove', participantId: organiser.id })).toBe('not-removable');
		expect(refusal(s, alice, { type: 'remove', participantId: olga.id })).toBe('not-allowed');
		// A removed person asks nothing more.
		expect(refusal(s, bob, { type: 'raise-hand' })).toBe('not-allowed');
	});

	it('a moderator pins a speaker for everyone, never a listener, and unpins', () => {
		let s = act(plenary(), organiser, { type: 'pin', participantId: alice.id });
		expect(s.pinned).toBe(alice.id);
		expect(refusal(s, leader, { type: 'pin', participantId: olga.id })).toBe('not-a-speaker');
		expect(refusal(s, bob, { type: 'pin', participantId: bob.id })).toBe('not-allowed');
		expect(refusal(s, leader, { type: 'pin', participantId: 'nobody-0001' })).toBe('no-such-person');
		s = act(s, leader, { type: 'pin', participantId: null });
		expect(s.pinned).toBeNull();
	});

	it('only the organiser ends it', () => {
		const s = plenary();
		for (const who of [leader, alice, olga]) expect(refusal(s, who, { type: 'end' })).toBe('not-allowed');
		expect(applyPlenaryAction(s, as(organiser), { type: 'end' })).toEqual({ ok: true, state: s, effects: [{ type: 'end' }] });
	});

	it('holds at most MAX_PLENARY_PEOPLE connected; entries whose connection dropped make room, oldest first', () => {
		let s = initialPlenary('Closing plenary', 0);
		for (let i = 0; i < MAX_PLENARY_PEOPLE; i++) s = enterPlenary(s, { ...alice, id: `person-${String(i).padStart(4, '0')}` })!;
		expect(headcount(s)).toBe(MAX_PLENARY_PEOPLE);
		expect(enterPlenary(s, bob)).toBeNull();
		s = disconnected(disconnected(s, 'person-0003'), 'person-0001');
		expect(headcount(s)).toBe(MAX_PLENARY_PEOPLE - 2);
		s = enterPlenary(s, bob)!;
		expect(Object.keys(s.participants)).toHaveLength(MAX_PLENARY_PEOPLE);
		expect(s.participants['person-0001']).toBeUndefined();
		expect(s.participants['person-0003']).toBeDefined();
		// Back under their own id: their entry, with its hand.
		s = enterPlenary(s, { ...alice, id: 'person-0003' })!;
		expect(s.participants['person-0003']?.connected).toBe(true);
	});

	it('keeps a dropped connection’s hand and pin; leaving on purpose takes both', () => {
		let s = act(act(plenary(), bob, { type: 'raise-hand' }), leader, { type: 'pin', participantId: bob.id });
		s = disconnected(s, bob.id);
		expect(s.participants[bob.id]).toMatchObject({ connected: false, handRaisedAt: 1 });
		expect(s.pinned).toBe(bob.id);
		s = leavePlenary(s, bob.id);
		expect(s.participants[bob.id]).toBeUndefined();
		expect(s.pinned).toBeNull();
		expect(handQueue(s)).toEqual([]);
	});
});

describe('the plenary rules, any sequence', () => {
	const ids = [...people.map((p) => p.id), 'nobody-0001'];
	const target = fc.constantFrom(...ids);
	const actionArb: fc.Arbitrary<PlenaryAction> = fc.oneof(
		fc.constant<PlenaryAction>({ type: 'raise-hand' }),
		fc.option(target, { nil: undefined }).map((participantId) => ({ type: 'lower-hand', participantId }) as PlenaryAction),
		target.map((participantId) => ({ type: 'mute', participantId }) as PlenaryAction),
		target.map((participantId) => ({ type: 'remove', participantId }) as PlenaryAction),
		fc.option(target, { nil: null }).map((participantId) => ({ type: 'pin', participantId }) as PlenaryAction),
		fc.constant<PlenaryAction>({ type: 'end' })
	);

	it('never removes a moderator, never lets a listener hold a hand or the pin, keeps hands distinct, and a refusal names a known code', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.constantFrom(...people), actionArb), { maxLength: 40 }), (steps) => {
				let s = plenary();
				for (const [who, action] of steps) {
					const before = s;
					const outcome = applyPlenaryAction(s, as(who), action);
					if (!outcome.ok) {
						expect(['not-allowed', 'no-such-person', 'not-removable', 'not-a-speaker']).toContain(outcome.code);
						continue;
					}
					s = outcome.state;
					for (const effect of outcome.effects) {
						if (effect.type === 'end') expect(who.organiser).toBe(true);
						else expect(who.role).toBe('moderator');
					}
					expect(Object.keys(s.participants).length).toBeLessThanOrEqual(Object.keys(before.participants).length);
				}
				expect(s.participants[organiser.id]).toBeDefined();
				expect(s.participants[leader.id]).toBeDefined();
				const hands = Object.values(s.participants).flatMap((p) => (p.handRaisedAt === null ? [] : [p.handRaisedAt]));
				expect(new Set(hands).size).toBe(hands.length);
				for (const hand of hands) expect(hand).toBeLessThanOrEqual(s.handCounter);
				expect(s.participants[olga.id]?.handRaisedAt ?? null).toBeNull();
				if (s.pinned !== null) expect(s.participants[s.pinned]?.role).not.toBe('listener');
			})
		);
	});
});
