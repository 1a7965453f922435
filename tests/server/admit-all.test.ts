import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, startServer } from './harness';

/** "Admit all" over real sockets: the server lets in everyone waiting, and only for a leader. */
afterEach(cleanup);

describe('admit all', () => {
	it('a member is refused and nobody comes in; the co-leader admits everyone waiting in one action', async () => {
		const s = await startServer();
		const created = await s.createGroup('Arriving group');
		const leader = await s.connect(created.links.leader, 'Lena Leader');
		const coLeader = await s.connect(created.links.coLeader, 'Cole Coleader');
		// Arriving after the leader, the co-leader waits to be let in (issue 15).
		leader.send({ type: 'admit', participantId: coLeader.participantId });
		await coLeader.next('admitted');
		const first = await s.connect(created.links.member, 'Anna Berg');
		leader.send({ type: 'admit', participantId: first.participantId });
		await first.next('admitted');
		const waiting = [];
		for (const name of ['Bo Lund', 'Cai Dahl', 'Oda Observer'])
			waiting.push(await s.connect(name === 'Oda Observer' ? created.links.observer : created.links.member, name));
		await leader.next('lobby', (m) => m.waiting.length === 3);

		first.send({ type: 'admit-all' });
		expect((await first.next('refused')).code).toBe('not-allowed');
		await leader.barrier();
		for (const c of waiting) expect(c.admitted).toBe(false);

		const lobbiesBefore = leader.of('lobby').length;
		coLeader.send({ type: 'admit-all' });
		for (const c of waiting) await c.next('admitted');
		await leader.next('lobby', (m) => m.waiting.length === 0, lobbiesBefore);
		await leader.waitState((state) => Object.keys(state.participants).length === 6, 'six in the room');
	});
});
