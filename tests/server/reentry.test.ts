import { afterEach, describe, expect, it } from 'vitest';
import { handQueue } from '../../src/lib/session/state';
import { CloseCode } from '../../src/lib/sync/protocol';
import { cleanup, session, startServer, waitFor } from './harness';

/**
 * Never two entries for one person: someone whose tab closed comes back under a new id, is
 * let in again, and takes over their former entry, with their presenter role, listening and
 * hand, over real sockets. The old seat opens nothing any more.
 */
afterEach(cleanup);

describe('coming back after a closed tab', () => {
	it('the presenter, readmitted under a new id, takes over their old entry: one entry, still presenter and listening', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 2 });
		const [dana, bo] = members as [(typeof members)[0], (typeof members)[0]];
		bo.send({ type: 'raise-hand' });
		leader.send({ type: 'make-presenter', participantId: dana.participantId });
		leader.send({ type: 'set-phase', phase: 'reflection' });
		await leader.waitState((st) => st.phase === 'reflection' && st.listening && st.presenterId === dana.participantId, 'Dana listens');

		// Her tab closes: she is shown as reconnecting.
		await dana.close();
		await leader.waitState((st) => st.participants[dana.participantId]?.connected === false, 'Dana reconnecting');

		// She opens the link again in a new tab (no seat): a new person to the server, who waits.
		const again = await s.connect(created.links.member, 'Member 1');
		expect(again.participantId).not.toBe(dana.participantId);
		await leader.next('lobby', (m) => m.waiting.some((w) => w.participantId === again.participantId));
		leader.send({ type: 'admit', participantId: again.participantId });
		await again.next('admitted');

		const state = await leader.waitState((st) => !!st.participants[again.participantId] && !st.participants[dana.participantId], 'taken over');
		expect(
			Object.values(state.participants)
				.map((p) => p.name)
				.sort()
		).toEqual(['Lena Leader', 'Member 1', 'Member 2']);
		expect(state.presenterId).toBe(again.participantId);
		expect(state.listening).toBe(true);
		expect(state.participants[again.participantId]).toMatchObject({ connected: true, role: 'member' });
		// Every replica says the same, Bo's too.
		await bo.waitState((st) => st.presenterId === again.participantId && Object.keys(st.participants).length === 3, "Bo's replica");

		// The old seat lets nobody in any more: it waits as anyone would.
		const ghost = await s.connect(created.links.member, 'Member 1', { seat: dana.seat });
		expect(ghost.participantId).toBe(dana.participantId);
		await waitFor(() => ghost.messages[0]?.type === 'waiting', 'the old seat waits');
		expect(ghost.admitted).toBe(false);
	});

	it('a member with a raised hand, back under a new id, keeps their hand and its place in the queue', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 2 });
		const [first, second] = members as [(typeof members)[0], (typeof members)[0]];
		first.send({ type: 'raise-hand' });
		await leader.waitState((st) => st.participants[first.participantId]?.handRaisedAt != null, 'first hand');
		second.send({ type: 'raise-hand' });
		await leader.waitState((st) => st.participants[second.participantId]?.handRaisedAt != null, 'second hand');
		await first.close();
		await leader.waitState((st) => st.participants[first.participantId]?.connected === false, 'reconnecting');
		const again = await s.connect(created.links.member, 'Member 1');
		await leader.next('lobby', (m) => m.waiting.some((w) => w.participantId === again.participantId));
		leader.send({ type: 'admit', participantId: again.participantId });
		const state = await leader.waitState((st) => !!st.participants[again.participantId] && !st.participants[first.participantId], 'taken over');
		expect(handQueue(state).map((p) => p.id)).toEqual([again.participantId, second.participantId]);
	});

	it('two connected people of the same name stay two; someone of another role is never taken for a ghost', async () => {
		const s = await startServer();
		const { created, leader } = await session(s, { members: 1 });
		const observer = await s.connect(created.links.observer, 'Member 1');
		leader.send({ type: 'admit', participantId: observer.participantId });
		await observer.next('admitted');
		const twin = await s.connect(created.links.member, 'Member 1');
		leader.send({ type: 'admit', participantId: twin.participantId });
		await twin.next('admitted');
		const state = await leader.waitState((st) => Object.keys(st.participants).length === 4, 'four entries');
		expect(
			Object.values(state.participants)
				.filter((p) => p.name === 'Member 1')
				.map((p) => p.role)
				.sort()
		).toEqual(['member', 'member', 'observer']);
	});

	it('a leader back in a new tab enters directly and takes over their own old entry', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 1 });
		await leader.close();
		await members[0]!.waitState((st) => st.participants[leader.participantId]?.connected === false, 'leader reconnecting');
		const again = await s.connect(created.links.leader, 'Lena Leader');
		const state = await members[0]!.waitState((st) => !!st.participants[again.participantId], 'leader back');
		expect(Object.values(state.participants).filter((p) => p.name === 'Lena Leader')).toHaveLength(1);
		expect(state.participants[leader.participantId]).toBeUndefined();
	});
});

describe('a removed seat', () => {
	it('stays out of the session: a tab that reloads as a leader removes it is told so (4403), not put back in the lobby as new', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 2 });
		const dana = members[0]!;
		leader.send({ type: 'remove', participantId: dana.participantId });
		expect((await dana.waitClosed()).code).toBe(CloseCode.removed);
		// Her tab reloaded in that instant and still holds her seat.
		const seen = leader.messages.length;
		const again = await s.connect(created.links.member, 'Member 1', { seat: dana.seat, settle: false });
		expect(again.participantId).toBe(dana.participantId);
		expect((await again.waitClosed()).code).toBe(CloseCode.removed);
		expect(again.messages).toEqual([]);
		expect(
			leader.messages
				.slice(seen)
				.filter((m) => m.type === 'lobby')
				.every((m) => m.type === 'lobby' && m.waiting.every((w) => w.participantId !== dana.participantId))
		).toBe(true);
		// Coming back as someone new (no seat) goes through the lobby, as anyone would.
		const fresh = await s.connect(created.links.member, 'Member 1');
		await leader.next('lobby', (m) => m.waiting.some((w) => w.participantId === fresh.participantId));
	});
});

describe('a case offered before a closed tab', () => {
	it('goes with the person who takes over their entry: the leaders see it under the new id, and the member sees it stand', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 2 });
		const dana = members[0]!;
		leader.send({ type: 'set-phase', phase: 'case-call' });
		await dana.waitState((st) => st.phase === 'case-call', 'the case call');
		dana.send({ type: 'offer-case', on: true });
		await leader.next('case-offers', (m) => m.offers.some((o) => o.participantId === dana.participantId));
		await dana.close();
		await leader.waitState((st) => st.participants[dana.participantId]?.connected === false, 'Dana reconnecting');

		const again = await s.connect(created.links.member, 'Member 1');
		await leader.next('lobby', (m) => m.waiting.some((w) => w.participantId === again.participantId));
		leader.send({ type: 'admit', participantId: again.participantId });
		await again.next('admitted');
		await leader.next('case-offers', (m) => m.offers.length === 1 && m.offers[0]!.participantId === again.participantId);
		await again.next('my-case-offer', (m) => m.on);
	});
});
