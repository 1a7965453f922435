import { describe, expect, it } from 'vitest';
import type { Action } from './actions';
import { arrival, heldAtDoor, releasedLeader, type LobbyView, type Waiting } from './lobby';
import { addParticipant } from './participants';
import { isLeader, overrules, ROLES, type Role } from './roles';
import { applyAction, type Actor } from './rules';
import { act, alice, coLeader, leader, NOW, room } from './rules.fixtures';

/* Issue 15: a leader who arrives while another is in the room is announced and may be refused; a leader removes a co-leader. */

const LEADERS = ['leader', 'co-leader'] as const satisfies readonly Role[];
const lobbyWith = (waiting: Waiting[], leadersInRoom: Role[] = []): LobbyView => ({ waiting, inRoom: 3, capacity: 40, leadersInRoom });
const waitingAs = (role: Role, id = `w-${role}`, fresh = true): Waiting => ({ participantId: id, new: fresh, role, name: `Someone ${role}` });
const actorAs = (role: Role): Actor => ({ id: `actor-${role}`, role });
const codeOf = (outcome: ReturnType<typeof applyAction>) => (outcome.ok ? 'ok' : outcome.code);

describe('a leader arriving while another is in the room', () => {
	it('waits exactly when someone present overrules them, for every pair of roles', () => {
		for (const arriving of ROLES)
			for (const present of ROLES) {
				const where = arrival(arriving, false, lobbyWith([], [present].filter(isLeader)));
				const expected = !isLeader(arriving) || overrules(present, arriving) ? 'wait' : 'enter';
				expect(where, `${arriving} arriving, ${present} present`).toBe(expected);
			}
	});

	it('a co-leader present never holds the leader back; the leader holds back a co-leader and a second leader', () => {
		expect(arrival('leader', false, lobbyWith([], ['co-leader']))).toBe('enter');
		expect(arrival('co-leader', false, lobbyWith([], ['leader']))).toBe('wait');
		expect(arrival('leader', false, lobbyWith([], ['leader']))).toBe('wait');
		expect(arrival('co-leader', false, lobbyWith([], ['co-leader']))).toBe('wait');
		// Someone who overrules among several present is enough.
		expect(arrival('leader', false, lobbyWith([], ['co-leader', 'leader']))).toBe('wait');
	});

	it('with nobody in the room, or back with a seat the room admits, a leader enters directly as before', () => {
		for (const role of LEADERS) {
			expect(arrival(role, false, lobbyWith([]))).toBe('enter');
			expect(arrival(role, false, { waiting: [], inRoom: 0, capacity: 40 })).toBe('enter');
			expect(arrival(role, true, lobbyWith([], ['leader']))).toBe('enter');
			// A removed seat stays out, whoever is present.
			expect(arrival(role, true, lobbyWith([], ['leader']), true)).toBe('removed');
		}
	});

	it('a flood of member links keeps no leader from the door; copies of a leaked leader link fill only their own part of the lobby', () => {
		const members = Array.from({ length: 40 }, (_, i) => waitingAs('member', `m-${i}`));
		expect(arrival('co-leader', false, lobbyWith(members, ['leader']))).toBe('wait');
		expect(arrival('member', false, lobbyWith(members, ['leader']))).toBe('lobby-full');
		const copies = Array.from({ length: 40 }, (_, i) => waitingAs('co-leader', `c-${i}`));
		expect(arrival('co-leader', false, lobbyWith(copies, ['leader']))).toBe('lobby-full');
		expect(arrival('member', false, lobbyWith(copies, ['leader']))).toBe('wait');
	});

	it('goes in once nobody present holds them back (the leader who did left)', () => {
		const carl = waitingAs('co-leader', 'carl');
		expect(heldAtDoor('co-leader', lobbyWith([carl], ['leader']))).toBe(true);
		expect(releasedLeader(lobbyWith([carl], ['leader']))).toBeNull();
		expect(releasedLeader(lobbyWith([waitingAs('member'), carl], []))).toBe('carl');
		// A second 'leader' waiting while only a co-leader is left: nobody overrules them now.
		expect(releasedLeader(lobbyWith([waitingAs('leader', 'lisa')], ['co-leader']))).toBe('lisa');
		expect(releasedLeader(lobbyWith([waitingAs('member')], []))).toBeNull();
	});
});

describe('admitting and refusing a waiting leader', () => {
	it('any leader admits a waiting leader; only one who overrules them refuses, for every pair', () => {
		for (const actorRole of LEADERS)
			for (const waitingRole of ROLES) {
				const lobby = lobbyWith([waitingAs(waitingRole)], [actorRole]);
				const admit = applyAction(room(), actorAs(actorRole), { type: 'admit', participantId: `w-${waitingRole}` }, NOW, lobby);
				expect(codeOf(admit), `${actorRole} admits ${waitingRole}`).toBe('ok');
				const decline = applyAction(room(), actorAs(actorRole), { type: 'decline', participantId: `w-${waitingRole}` }, NOW, lobby);
				expect(codeOf(decline), `${actorRole} declines ${waitingRole}`).toBe(overrules(actorRole, waitingRole) ? 'ok' : 'cannot-refuse-leader');
			}
	});

	it('a co-leader cannot refuse the leader: a refusal, nothing declined', () => {
		const lobby = lobbyWith([waitingAs('leader', 'lisa')], ['co-leader']);
		expect(applyAction(room(), coLeader, { type: 'decline', participantId: 'lisa' }, NOW, lobby)).toEqual({ ok: false, code: 'cannot-refuse-leader' });
		const refused = applyAction(room(), leader, { type: 'decline', participantId: 'lisa' }, NOW, lobby);
		expect(refused.ok && refused.effects).toContainEqual({ type: 'decline', participantIds: ['lisa'] });
	});

	it('members and observers refuse nobody', () => {
		for (const role of ['member', 'observer', 'supervisor'] as const) {
			const outcome = applyAction(room(), actorAs(role), { type: 'decline', participantId: 'w-co-leader' }, NOW, lobbyWith([waitingAs('co-leader')]));
			expect(codeOf(outcome)).toBe('not-allowed');
		}
	});

	it('admit-all and decline-new leave every waiting leader to be looked at', () => {
		const lobby = lobbyWith(
			[waitingAs('member', 'mia'), waitingAs('co-leader', 'carl'), waitingAs('leader', 'lisa'), waitingAs('observer', 'otto')],
			['leader']
		);
		const admitted = applyAction(room(), leader, { type: 'admit-all' }, NOW, lobby);
		expect(admitted.ok && admitted.effects.filter((e) => e.type === 'admit')).toEqual([
			{ type: 'admit', participantId: 'mia' },
			{ type: 'admit', participantId: 'otto' }
		]);
		// Even when asked for one role by name.
		const byRole = applyAction(room(), leader, { type: 'admit-all', role: 'co-leader' }, NOW, lobby);
		expect(byRole.ok && byRole.effects.filter((e) => e.type === 'admit')).toEqual([]);
		const declined = applyAction(room(), leader, { type: 'decline-new' }, NOW, lobby);
		expect(declined.ok && declined.effects.find((e) => e.type === 'decline')).toEqual({ type: 'decline', participantIds: ['mia', 'otto'] });
	});
});

describe('removing a leader', () => {
	it('allowed exactly when the actor overrules the person and is not them, for every pair of roles', () => {
		for (const actorRole of ROLES)
			for (const targetRole of ROLES) {
				let state = room();
				const actor = actorAs(actorRole);
				state = addParticipant(state, { id: actor.id, name: 'Actor', role: actorRole });
				state = addParticipant(state, { id: 'target', name: 'Target', role: targetRole });
				const outcome = applyAction(state, actor, { type: 'remove', participantId: 'target' }, NOW);
				const expected = !isLeader(actorRole) ? 'not-allowed' : overrules(actorRole, targetRole) ? 'ok' : 'cannot-remove-leader';
				expect(codeOf(outcome), `${actorRole} removes ${targetRole}`).toBe(expected);
			}
	});

	it('never oneself', () => {
		for (const role of LEADERS) {
			const me = role === 'leader' ? leader : coLeader;
			expect(codeOf(applyAction(room(), me, { type: 'remove', participantId: me.id }, NOW))).toBe('cannot-remove-leader');
		}
	});

	it('the leader removes a co-leader as a member is removed: out of the state, sockets closed, the media room moved', () => {
		const outcome = applyAction(room(), leader, { type: 'remove', participantId: coLeader.id }, NOW);
		expect(outcome.ok && outcome.state.participants[coLeader.id]).toBeUndefined();
		expect(outcome.ok && outcome.effects).toEqual([
			{ type: 'close-restore' },
			{ type: 'remove', participantId: coLeader.id },
			{ type: 'move-media', removedId: coLeader.id }
		]);
	});

	it('a removed co-leader leaves the round, and the group stays steerable by the leader', () => {
		let state = act(room(), leader, { type: 'start-round', startWith: coLeader.id } as Action);
		state = act(state, leader, { type: 'remove', participantId: coLeader.id });
		expect(state.round?.order).not.toContain(coLeader.id);
		expect(act(state, leader, { type: 'next-phase' }).phase).toBe('opening');
		expect(act(state, leader, { type: 'make-presenter', participantId: alice.id }).presenterId).toBe(alice.id);
	});
});
