import { snapshotOf as offered } from '../../src/lib/sync/snapshot';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENDED_MEMORY_MS } from '../../src/lib/server/rooms';
import { handQueue, type SessionState } from '../../src/lib/session/state';
import { CloseCode, type Snapshot } from '../../src/lib/sync/protocol';
import { readState } from '../../src/lib/sync/schema';
import { cleanup, session, startServer, tick, waitFor, type Client, type TestServer } from './harness';

/** How a session ends, empties, is forgotten, and comes back after a server restart. */
afterEach(cleanup);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The snapshot a leader's client offers after a restart (the same function RoomClient uses). */
function snapshotOf(previous: SessionState): Snapshot {
	const snapshot = offered(previous);
	if (!snapshot) throw new Error('nothing to restore');
	return snapshot;
}

describe('ending a session', () => {
	it('tells everyone, closes every socket with 4410, destroys the room and its document; the links then open a fresh session', async () => {
		const s = await startServer();
		const { created, leader, co, members, observer, everyone } = await session(s, { members: 2, coLeader: true, observer: true });
		const waiting = await s.connect(created.links.member, 'Late Larry');
		expect(waiting.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });
		leader.send({ type: 'next-phase' });
		await members[0]!.waitState((st) => st.phase === 'opening');
		const room = s.app.rooms.get(created.group.id)!;
		const oldSessionId = room.state.sessionId;

		// Only a leader may end it.
		members[0]!.send({ type: 'end-session' });
		expect(await members[0]!.next('refused')).toMatchObject({ action: 'end-session', code: 'not-allowed' });
		expect(s.app.rooms.size).toBe(1);

		co!.send({ type: 'end-session' });
		for (const c of [...everyone, waiting]) {
			expect(await c.waitClosed()).toEqual({ code: CloseCode.ended, reason: 'session ended' });
			expect(c.of('ended')).toHaveLength(1);
		}
		expect(s.app.rooms.size).toBe(0);
		expect(s.app.rooms.get(created.group.id)).toBeUndefined();
		expect(room.destroyed).toBe(true);
		expect(room.doc.isDestroyed).toBe(true);
		expect(room.connectionCount).toBe(0);
		void observer;

		// The same links, the same seats: a new session from the start.
		const leaderAgain = await s.connect(created.links.leader, 'Lena Leader', { seat: leader.seat });
		expect(leaderAgain.participantId).toBe(leader.participantId);
		const fresh = await leaderAgain.waitState((st) => Object.keys(st.participants).length === 1);
		expect(fresh.phase).toBe('gathering');
		expect(fresh.sessionId).not.toBe(oldSessionId);
		expect(fresh.presenterId).toBeNull();
		expect(s.app.rooms.size).toBe(1);
		const memberAgain = await s.connect(created.links.member, 'Member 1', { seat: members[0]!.seat });
		// Nobody was away at the end, so nothing of the ended session is remembered (the case of
		// someone away is in room-client.test.ts and the session browser test).
		expect(memberAgain.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });
		expect(leaderAgain.of('admitted')[0]?.endedSessionId).toBeUndefined();
		await leaderAgain.waitFor((c) => c.last('lobby')?.waiting.some((w) => w.participantId === members[0]!.participantId) === true, 'member in lobby again');
		leaderAgain.send({ type: 'admit', participantId: memberAgain.participantId });
		expect(await memberAgain.next('admitted')).toMatchObject({ sessionId: fresh.sessionId });
	});

	it('remembers an ended session for someone away at its end for ten minutes, then forgets it', async () => {
		// Only Date is faked, so sockets and timers run as usual while the clock jumps.
		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			const s = await startServer();
			const { created, leader, members } = await session(s, { members: 1 });
			const sessionId = s.app.rooms.get(created.group.id)!.state.sessionId;
			members[0]!.ws.terminate();
			await leader.waitState((st) => st.participants[members[0]!.participantId]?.connected === false);
			leader.send({ type: 'end-session' });
			await leader.waitClosed();
			await waitFor(() => s.app.rooms.size === 0, 'room destroyed');

			// Within ten minutes the group's next room still knows which session ended.
			vi.setSystemTime(Date.now() + ENDED_MEMORY_MS - 60_000);
			const back = await s.connect(created.links.member, 'Member 1', { seat: members[0]!.seat });
			expect(back.messages[0]).toEqual({ type: 'waiting', leaderPresent: false, media: false, endedSessionId: sessionId });
			back.ws.terminate();
			await waitFor(() => s.app.rooms.size === 0, 'room destroyed again');

			// After ten minutes nothing of it is left.
			vi.setSystemTime(Date.now() + 2 * 60_000);
			const later = await s.connect(created.links.member, 'Member 1', { seat: members[0]!.seat });
			expect(later.messages[0]).toEqual({ type: 'waiting', leaderPresent: false, media: false });
		} finally {
			vi.useRealTimers();
		}
	});

	it('releases the destroyed document for garbage collection', async () => {
		const s = await startServer();
		const ref = await (async () => {
			const { created, leader, everyone } = await session(s, { members: 2 });
			leader.send({ type: 'next-phase' });
			await leader.waitState((st) => st.phase === 'opening');
			const weak = new WeakRef(s.app.rooms.get(created.group.id)!.doc);
			leader.send({ type: 'end-session' });
			for (const c of everyone) await c.waitClosed();
			return weak;
		})();
		expect(s.app.rooms.size).toBe(0);
		let collected = false;
		for (let i = 0; i < 50 && !collected; i++) {
			gc();
			await new Promise((r) => setTimeout(r, 10));
			collected = ref.deref() === undefined;
		}
		expect(collected).toBe(true);
	});

	it('when the last person leaves without ending, the room is destroyed after the grace period', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 1 });
		const room = s.app.rooms.get(created.group.id)!;
		await leader.close();
		await members[0]!.waitState((st) => st.participants[leader.participantId]?.connected === false);
		await members[0]!.barrier();
		expect(s.app.rooms.size).toBe(1);
		expect(room.destroyed).toBe(false);
		await members[0]!.close();
		await waitFor(() => s.app.rooms.size === 0, 'empty room destroyed');
		expect(room.destroyed).toBe(true);
		expect(room.doc.isDestroyed).toBe(true);
		// A member who left never gets a session back: it is a new one.
		const again = await s.connect(created.links.leader, 'Lena Leader', { seat: leader.seat });
		expect((await again.waitState(() => true)).sessionId).not.toBe(room.state.sessionId);
	});

	it('an empty room waits out its grace period: someone back in time finds the same session', async () => {
		// A grace period far longer than this test takes, so nothing here depends on timing.
		const s = await startServer({ EMPTY_ROOM_GRACE_SECONDS: '60' });
		const { created, leader } = await session(s, { members: 0 });
		leader.send({ type: 'next-phase' });
		const before = await leader.waitState((st) => st.phase === 'opening');
		const room = s.app.rooms.get(created.group.id)!;
		await leader.close();
		await waitFor(() => room.connectionCount === 0, 'the room is empty');
		expect(room.destroyed).toBe(false);
		expect(s.app.rooms.size).toBe(1);
		// The leader's network comes back within the grace period: same session, same phase.
		const back = await s.connect(created.links.leader, 'Lena Leader', { seat: leader.seat });
		const after = await back.waitState((st) => st.participants[leader.participantId]?.connected === true);
		expect(after.sessionId).toBe(before.sessionId);
		expect(after.phase).toBe('opening');
		expect(s.app.rooms.get(created.group.id)).toBe(room);
	});

	it('a waiting person alone does not keep a room after they go', async () => {
		const s = await startServer();
		const g = await s.createGroup();
		const member = await s.connect(g.links.member, 'Mia');
		expect(member.messages[0]).toEqual({ type: 'waiting', leaderPresent: false, media: false });
		expect(s.app.rooms.size).toBe(1);
		await member.close();
		await waitFor(() => s.app.rooms.size === 0, 'room gone');
	});

	it('{type:"leave"} takes a person out of the roster for good', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 1 });
		const member = members[0]!;
		member.send({ type: 'leave' });
		expect((await member.waitClosed()).code).toBe(1000);
		await leader.waitState((st) => !st.participants[member.participantId]);
		// Having left, the seat no longer skips the lobby.
		const back = await s.connect(created.links.member, 'Member 1', { seat: member.seat });
		expect(back.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });
	});
});

describe('restore after a server restart', () => {
	async function runToReflection(s: TestServer) {
		const { created, leader, members } = await session(s, { members: 3 });
		const [m1, m2, m3] = members as [Client, Client, Client];
		leader.send({ type: 'set-phase', phase: 'case-call' });
		m3.send({ type: 'raise-hand' });
		await leader.waitState((st) => st.participants[m3.participantId]?.handRaisedAt !== null);
		m2.send({ type: 'raise-hand' });
		await leader.waitState((st) => st.participants[m2.participantId]?.handRaisedAt !== null);
		leader.send({ type: 'make-presenter', participantId: m1.participantId });
		leader.send({ type: 'share-timers', shared: true });
		leader.send({ type: 'set-phase', phase: 'reflection' });
		const old = await leader.waitState((st) => st.phase === 'reflection' && st.listening && st.timersShared);
		expect(old.presenterId).toBe(m1.participantId);
		return { created, leader, members: [m1, m2, m3] as const, old };
	}

	it("a fresh room takes the first leader's replica once; members come back with their seats; nobody else may restore", async () => {
		const first = await startServer();
		const { created, leader, members, old } = await runToReflection(first);
		const [m1, m2, m3] = members;
		await first.close();
		for (const c of [leader, ...members]) expect((await c.waitClosed()).code).toBe(CloseCode.serverShutdown);

		// A new process, the same signing secret: the same links and seats still work.
		const second = await startServer();
		const leader2 = await second.connect(created.links.leader, 'Lena Leader', { seat: leader.seat });
		expect(leader2.messages[0]).toMatchObject({ type: 'admitted', participantId: leader.participantId, restorable: true });
		const freshId = (leader2.messages[0] as { sessionId: string }).sessionId;
		expect(freshId).not.toBe(old.sessionId);
		// A member who is back before the restore waits, like anyone in a fresh room.
		const early = await second.connect(created.links.member, 'x', { seat: m3.seat });
		expect(early.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });

		leader2.send({ type: 'restore', snapshot: snapshotOf(old) });
		const restored = await leader2.waitState((st) => st.sessionId === old.sessionId);
		expect(restored).toMatchObject({
			phase: 'reflection',
			presenterId: m1.participantId,
			listening: true,
			caseNumber: old.caseNumber,
			startedAt: old.startedAt,
			phaseStartedAt: old.phaseStartedAt,
			timersShared: true
		});
		// The early member is let in by the restore itself.
		expect(await early.next('admitted')).toMatchObject({ participantId: m3.participantId, sessionId: old.sessionId });

		// Members who come back later are admitted without a leader, with their own names.
		const m1back = await second.connect(created.links.member, 'Someone Else', { seat: m1.seat });
		expect(m1back.messages[0]).toMatchObject({ type: 'admitted', participantId: m1.participantId });
		expect(m1back.of('waiting')).toHaveLength(0);
		const m2back = await second.connect(created.links.member, 'x', { seat: m2.seat });
		expect(m2back.messages[0]).toMatchObject({ type: 'admitted', participantId: m2.participantId });
		const everyone = [leader2, early, m1back, m2back];
		const state = await leader2.waitState((st) => Object.keys(st.participants).length === 4);
		expect(
			Object.values(state.participants)
				.map((p) => [p.name, p.role])
				.sort()
		).toEqual(
			Object.values(old.participants)
				.map((p) => [p.name, p.role])
				.sort()
		);
		// The presenter still listens and still cannot raise a hand.
		m1back.send({ type: 'raise-hand' });
		expect(await m1back.next('refused')).toMatchObject({ code: 'presenter-listening' });
		// The hand queue survives too, in its old order.
		expect(handQueue(state).map((p) => p.id)).toEqual([m3.participantId, m2.participantId]);

		// A member may not restore; nor may a leader a second time.
		const tampered = { ...snapshotOf(old), phase: 'closing', presenterId: null, listening: false } satisfies Snapshot;
		m2back.send({ type: 'restore', snapshot: tampered });
		expect(await m2back.next('refused')).toEqual({ type: 'refused', action: 'restore', code: 'not-allowed' });
		leader2.send({ type: 'restore', snapshot: tampered });
		expect(await leader2.next('refused', (m) => m.action === 'restore')).toEqual({ type: 'refused', action: 'restore', code: 'not-allowed' });
		for (const c of everyone) await c.barrier();
		const room = second.app.rooms.get(created.group.id)!;
		expect(room.state).toEqual(state);
		expect(readState(room.doc)).toEqual(state);
		for (const c of everyone) expect(c.must()).toEqual(state);
		// A co-leader arriving now is told the room is no longer restorable.
		const co = await second.connect(created.links.coLeader, 'Carl Co');
		// (The leader is in, so the co-leader waits at the door first: issue 15.)
		expect(co.messages[0]).toMatchObject({ type: 'waiting' });
		leader2.send({ type: 'admit', participantId: co.participantId });
		expect(await co.next('admitted')).toMatchObject({ type: 'admitted', restorable: false });
		// And the session goes on from where it was.
		leader2.send({ type: 'next-phase' });
		for (const c of everyone) await c.waitState((st) => st.phase === 'return' && !st.listening);
	});

	it('a room where a leader has already acted takes no restore', async () => {
		const first = await startServer();
		const { created, leader, old } = await runToReflection(first);
		await first.close();
		const second = await startServer();
		const leader2 = await second.connect(created.links.leader, 'Lena Leader', { seat: leader.seat });
		leader2.send({ type: 'next-phase' });
		await leader2.waitState((st) => st.phase === 'opening');
		leader2.send({ type: 'restore', snapshot: snapshotOf(old) });
		expect(await leader2.next('refused')).toMatchObject({ action: 'restore', code: 'not-allowed' });
		await leader2.barrier();
		expect(leader2.must().phase).toBe('opening');
		expect(leader2.must().sessionId).not.toBe(old.sessionId);
		await tick();
	});
});
