import { afterEach, describe, expect, it } from 'vitest';
import { currentSpeaker } from '../../src/lib/session/rounds';
import type { SessionState } from '../../src/lib/session/state';
import { readState } from '../../src/lib/sync/schema';
import { cleanup, session, startServer, type Client, type TestServer } from './harness';

/** Rounds over real sockets: the server, not the page, decides whose turn it is. */
afterEach(cleanup);

function serverState(s: TestServer, groupId: string): SessionState {
	const room = s.app.rooms.get(groupId);
	if (!room) throw new Error('no live room');
	expect(readState(room.doc)).toEqual(room.state);
	return room.state;
}

describe('rounds', () => {
	it('a member who is not the speaker cannot move the round; every replica shows the same speaker at each step', async () => {
		const s = await startServer();
		const { leader, co, members, observer, everyone } = await session(s, { members: 3, observer: true, coLeader: true });
		const [m1, m2, m3] = members as [Client, Client, Client];
		const obs = observer!;
		let present = everyone;
		/** Every replica, the server's own included, agrees on the whole round and names this speaker. */
		const allSee = async (speaker: string | null, what: string) => {
			for (const c of present) await c.waitState((st) => currentSpeaker(st) === speaker, what);
			const round = serverState(s, leader.groupId).round;
			for (const c of present) expect(c.must().round).toEqual(round);
		};
		const refused = async (who: Client, action: Record<string, unknown>, code: string) => {
			const before = who.of('refused').length;
			who.send(action);
			expect(await who.next('refused', () => true, before)).toEqual({ type: 'refused', action: action.type, code });
		};

		leader.send({ type: 'start-round', startWith: m1.participantId });
		await allSee(m1.participantId, 'round starts with member 1');
		// Observers are left out; the others go round from member 1 in the order they came in.
		expect(leader.must().round?.order).toEqual([m1, m2, m3, leader, co!].map((c) => c.participantId));

		const before = serverState(s, leader.groupId);
		await refused(m2, { type: 'round-next' }, 'not-your-turn');
		await refused(m3, { type: 'round-pass' }, 'not-your-turn');
		await refused(obs, { type: 'round-next' }, 'not-allowed');
		await refused(m2, { type: 'reorder-round', order: [m1, m3, m2, leader, co!].map((c) => c.participantId) }, 'not-allowed');
		await refused(m2, { type: 'end-round' }, 'not-allowed');
		await refused(m2, { type: 'start-round', startWith: m2.participantId }, 'not-allowed');
		await refused(leader, { type: 'start-round', startWith: obs.participantId }, 'not-a-speaker');
		for (const c of everyone) await c.barrier();
		expect(serverState(s, leader.groupId)).toEqual(before);
		for (const c of everyone) expect(c.must()).toEqual(before);

		m1.send({ type: 'round-next' });
		await allSee(m2.participantId, 'member 2 speaks');
		// A leader brings the co-leader forward, before member 3.
		leader.send({ type: 'reorder-round', order: [m1, m2, co!, m3, leader].map((c) => c.participantId) });
		await leader.waitState((st) => st.round?.order[2] === co!.participantId, 'reordered');
		m2.send({ type: 'round-pass' });
		await allSee(co!.participantId, 'the co-leader speaks');
		expect(co!.must().round?.passed).toEqual([m2.participantId]);
		co!.send({ type: 'round-next' });
		await allSee(m3.participantId, 'member 3 speaks');
		// Member 3 leaves mid-turn: the turn goes on to the next person.
		m3.send({ type: 'leave' });
		present = everyone.filter((c) => c !== m3);
		await allSee(leader.participantId, 'the leader speaks after member 3 left');
		expect(leader.must().round?.order).not.toContain(m3.participantId);
		leader.send({ type: 'round-next' });
		await allSee(null, 'the round is complete');
		expect(leader.must().round).toMatchObject({ current: 4, passed: [m2.participantId] });
		await refused(m1, { type: 'round-next' }, 'no-round');
	});

	it('a leader passes for the speaker and ends the round at any time', async () => {
		const s = await startServer();
		const { leader, members, everyone } = await session(s, { members: 2 });
		const [m1, m2] = members as [Client, Client];
		leader.send({ type: 'start-round', startWith: m2.participantId, order: [m1.participantId, m2.participantId] });
		for (const c of everyone) await c.waitState((st) => currentSpeaker(st) === m2.participantId, 'member 2 first');
		leader.send({ type: 'round-pass' });
		for (const c of everyone) await c.waitState((st) => currentSpeaker(st) === m1.participantId && st.round?.passed[0] === m2.participantId, 'passed');
		leader.send({ type: 'end-round' });
		for (const c of everyone) await c.waitState((st) => st.round === null, 'ended');
		expect(serverState(s, leader.groupId).round).toBeNull();
	});
});
