import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_LIMITS, SocketBudget } from '../../src/lib/server/socket-budget';
import { CloseCode, MAX_WAITING, roomCapacity } from '../../src/lib/sync/protocol';
import { cleanup, session, startServer, syncFrame, tokenOf, waitFor, type Client } from './harness';
import { TICKETS_PER_SHARE } from '../../src/lib/server/tickets';

/**
 * One socket's share of the server (issue 11): a client that sends faster buys no more of it.
 * Each flood below is what an attacker with a link did to the server before the share existed;
 * here the flooding socket is closed with a reason after its share, the work done for it stays
 * within that share, and another group's leader goes on steering throughout.
 */
afterEach(cleanup);

const EMPTY_STATE_VECTOR = new Uint8Array([0]);

/** Many frames in one go, as one write each: what a script does. */
function flood(client: Client, count: number, frame: () => void): void {
	for (let i = 0; i < count; i++) frame();
}

/** Another group's leader steers and every replica there follows: the server still serves them. */
async function stillSteers(other: Client[], phase: string): Promise<void> {
	other[0]!.send({ type: 'set-phase', phase });
	await waitFor(() => other.every((c) => c.state()?.phase === phase), `the other group sees ${phase}`);
	for (const c of other) expect(c.closed).toBeNull();
}

describe('SocketBudget', () => {
	it('lets a burst through, then earns messages back at its rate; document requests have a smaller share of their own', () => {
		let now = 0;
		const budget = new SocketBudget({ ...SOCKET_LIMITS, burst: 5, perSecond: 2, syncBurst: 2, syncPerMinute: 6 }, () => now);
		expect(Array.from({ length: 6 }, () => budget.take())).toEqual([true, true, true, true, true, false]);
		now += 499;
		expect(budget.take()).toBe(false);
		now += 1;
		expect(budget.take()).toBe(true);
		expect(budget.take()).toBe(false);
		// A long pause refills no more than the burst.
		now += 3_600_000;
		expect(Array.from({ length: 6 }, () => budget.take()).filter(Boolean)).toHaveLength(5);
		expect([budget.takeSyncRequest(), budget.takeSyncRequest(), budget.takeSyncRequest()]).toEqual([true, true, false]);
		now += 10_000;
		expect(budget.takeSyncRequest()).toBe(true);
		expect(budget.keepsUp(SOCKET_LIMITS.maxBuffered)).toBe(true);
		expect(budget.keepsUp(SOCKET_LIMITS.maxBuffered + 1)).toBe(false);
	});
});

describe('one socket past its share', () => {
	it('50,000 requests for the whole document: a few are answered, then the socket is closed (4420); another group steers on', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1 });
		const b = await session(s, { members: 2 });
		const attacker = a.leader;
		const before = attacker.stepTwos;
		flood(attacker, 50_000, () => attacker.sendBinary(syncFrame(0, EMPTY_STATE_VECTOR)));
		await stillSteers(b.everyone, 'opening');
		expect((await attacker.waitClosed()).code).toBe(CloseCode.flooding);
		// The whole document was encoded for it at most its share of times.
		expect(attacker.stepTwos - before).toBeLessThanOrEqual(SOCKET_LIMITS.syncBurst);
		await stillSteers(b.everyone, 'case-call');
		// Its own group goes on without it.
		expect(a.members[0]!.closed).toBeNull();
	});

	it('100,000 requests for the whole document from a socket that reads nothing: cut off at its share, the server’s memory stays where it was', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1 });
		const b = await session(s, { members: 1 });
		const room = s.app.rooms.get(a.leader.groupId)!;
		const sockets = room.connectionCount;
		// It stops reading: whatever the server sends it waits in the server's buffers.
		(a.leader.ws as unknown as { _socket: { pause(): void } })._socket.pause();
		global.gc?.();
		const heapBefore = process.memoryUsage().heapUsed;
		flood(a.leader, 100_000, () => a.leader.sendBinary(syncFrame(0, EMPTY_STATE_VECTOR)));
		await waitFor(() => room.connectionCount === sockets - 1, 'the flooding socket dropped');
		await stillSteers(b.everyone, 'opening');
		global.gc?.();
		// Before the share, this grew the server by hundreds of MB (a document encoded per frame).
		expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
		expect(s.app.rooms.cutOffs).toEqual({ flooding: 1, notReading: 0 });
		expect(a.members[0]!.closed).toBeNull();
	});

	it('a socket that stops reading is cut off once its send buffer passes its bound, whatever it asked for', async () => {
		// A share wide enough that only the send buffer can stop it.
		const s = await startServer({}, (config) => {
			config.socketLimits = { burst: 1e6, perSecond: 1e6, syncBurst: 1e6, syncPerMinute: 1e6, maxBuffered: 256 * 1024 };
		});
		const a = await session(s, { members: 1 });
		const b = await session(s, { members: 1 });
		const room = s.app.rooms.get(a.leader.groupId)!;
		const sockets = room.connectionCount;
		(a.leader.ws as unknown as { _socket: { pause(): void } })._socket.pause();
		flood(a.leader, 100_000, () => a.leader.sendBinary(syncFrame(0, EMPTY_STATE_VECTOR)));
		await waitFor(() => room.connectionCount === sockets - 1, 'the socket that reads nothing dropped');
		expect(s.app.rooms.cutOffs).toEqual({ flooding: 0, notReading: 1 });
		await stillSteers(b.everyone, 'opening');
		expect(a.members[0]!.closed).toBeNull();
	});

	it('20,000 timer toggles from a leader: its share is applied, then it is closed; the others in its group and another group go on', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1 });
		const b = await session(s, { members: 1 });
		const member = a.members[0]!;
		const updatesBefore = member.updates;
		flood(a.leader, 20_000, () => a.leader.send({ type: 'share-timers', shared: true }));
		flood(a.leader, 1, () => a.leader.send({ type: 'share-timers', shared: false }));
		expect((await a.leader.waitClosed()).code).toBe(CloseCode.flooding);
		await stillSteers(b.everyone, 'opening');
		await member.barrier();
		// Each change the room made reached the member as one update: no more than the share.
		expect(member.updates - updatesBefore).toBeLessThanOrEqual(SOCKET_LIMITS.burst + 2);
		expect(member.closed).toBeNull();
	});

	it('37,000 raised hands from a socket still in the lobby: closed (4420), the leader and another group untouched', async () => {
		const s = await startServer();
		const created = await s.createGroup();
		const leader = await s.connect(created.links.leader, 'Lena Leader');
		const b = await session(s, { members: 1 });
		const waiting = await s.connect(created.links.member, 'Walter Waiting');
		expect(waiting.admitted).toBe(false);
		const refusedBefore = waiting.of('refused').length;
		flood(waiting, 37_000, () => waiting.send({ type: 'raise-hand' }));
		expect((await waiting.waitClosed()).code).toBe(CloseCode.flooding);
		// It was answered (refused: not yet admitted) at most its share of times.
		expect(waiting.of('refused').length - refusedBefore).toBeLessThanOrEqual(SOCKET_LIMITS.burst);
		await stillSteers(b.everyone, 'opening');
		await leader.barrier();
		expect(leader.closed).toBeNull();
	});

	it('a person at a brisk click rate stays within the share', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1 });
		const phases = ['opening', 'case-call', 'presentation', 'questions', 'reflection', 'return', 'closing'];
		// Seven changes in a row, twice over, then the usual round trips: all well within the share.
		for (const phase of [...phases, ...phases]) a.leader.send({ type: 'set-phase', phase });
		for (let i = 0; i < 5; i++) await a.leader.barrier();
		await a.members[0]!.waitState((st) => st.phase === 'closing');
		expect(a.leader.closed).toBeNull();
	});
});

describe('one group past its share of a shared store', () => {
	it('one member link used from 170 addresses takes at most its share of tickets; another group’s leader, and its own, still get one at once', async () => {
		const s = await startServer({ RATE_LIMIT_PER_MINUTE: '100000', TRUST_PROXY: '127.0.0.1, ::1' });
		const greedyGroup = await s.createGroup('Greedy group');
		const greedy = tokenOf(greedyGroup.links.member);
		const other = (await s.createGroup('Other group')).links.leader;
		const statuses = new Map<number, number>();
		for (let i = 0; i < 340; i++) {
			const from = { 'x-forwarded-for': `198.51.100.${i % 170}` };
			const res = await s.post('/api/tickets', { token: greedy, name: `Mia ${i}` }, from);
			statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
		}
		// Its group's share, then "busy" for that group only.
		expect(Object.fromEntries(statuses)).toEqual({ 200: TICKETS_PER_SHARE, 503: 340 - TICKETS_PER_SHARE });
		const leader = await s.connect(other, 'Lena Leader');
		expect(leader.admitted).toBe(true);
		// Nor does it keep its own group's leader out: each of a group's links has its own share.
		const ownLeader = await s.connect(greedyGroup.links.leader, 'Greta Leader');
		expect(ownLeader.admitted).toBe(true);
	});
});

describe('one room past its capacity', () => {
	it('a leaked co-leader link opened 60 times: one enters, the rest wait at the door as far as the lobby holds; let in one by one they fill one room to its capacity (40), no further, and another group goes on', async () => {
		const s = await startServer();
		const created = await s.createGroup('Leaked group');
		const b = await session(s, { members: 1 });
		const first = await s.connect(created.links.coLeader, 'Copy 0');
		expect(first.admitted).toBe(true);
		// Each later copy arrives while a co-leader is in the room, who overrules them (issue 15): it waits, announced.
		const atDoor: Client[] = [];
		const turnedAway: Client[] = [];
		for (let i = 1; i < 60; i++) {
			const c = await s.connect(created.links.coLeader, `Copy ${i}`, { settle: false });
			await c.waitFor((x) => x.messages.length > 0 || x.closed !== null, 'waiting, or turned away');
			(c.closed ? turnedAway : atDoor).push(c);
		}
		expect(atDoor).toHaveLength(MAX_WAITING);
		expect(atDoor.every((c) => !c.admitted)).toBe(true);
		for (const c of turnedAway) expect((await c.waitClosed()).code).toBe(CloseCode.lobbyFull);
		const inside = [first];
		for (const c of atDoor.slice(0, roomCapacity() - 1)) {
			first.send({ type: 'admit', participantId: c.participantId });
			await c.next('admitted');
			inside.push(c);
		}
		expect(inside).toHaveLength(roomCapacity());
		first.send({ type: 'admit', participantId: atDoor.at(-1)!.participantId });
		expect((await first.next('refused')).code).toBe('room-full');
		const waiting = await s.connect(created.links.member, 'Mia Member');
		first.send({ type: 'admit', participantId: waiting.participantId });
		expect((await first.next('refused', () => true, 1)).code).toBe('room-full');
		expect(waiting.admitted).toBe(false);
		// When one's connection drops, there is room again, and someone new takes it.
		const dropped = inside[1]!;
		await dropped.close();
		first.send({ type: 'admit', participantId: waiting.participantId });
		await waiting.next('admitted');
		// The one who dropped keeps their place: back with their seat, they are let in, full or not.
		const back = await s.connect(created.links.coLeader, `Copy 1`, { seat: dropped.seat });
		expect(back.admitted).toBe(true);
		await stillSteers(b.everyone, 'opening');
	});
});

describe('one address past its share of sockets', () => {
	it('holds at most SOCKETS_PER_ADDRESS open sockets; the next upgrade is refused (429) and another address behind the same proxy connects', async () => {
		const s = await startServer({ SOCKETS_PER_ADDRESS: '5', TRUST_PROXY: '127.0.0.1, ::1' });
		const created = await s.createGroup('Crowded group');
		const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
		const mine: Client[] = [];
		for (let i = 0; i < 5; i++) mine.push(await s.connect(created.links.coLeader, `Copy ${i}`, from('198.51.100.7')));
		await expect(s.connect(created.links.coLeader, 'One too many', from('198.51.100.7'))).rejects.toThrow(/429/);
		const neighbour = await s.connect(created.links.leader, 'Lena Leader', from('198.51.100.8'));
		expect(neighbour.admitted).toBe(true);
		// A closed socket gives its place back.
		await mine[0]!.close();
		// (The server counts it down when its side of the connection has closed too.)
		let again: Client | null = null;
		for (let attempt = 0; attempt < 40 && !again; attempt++) {
			again = await s.connect(created.links.coLeader, 'Back again', from('198.51.100.7')).catch(() => null);
			if (!again) await new Promise((r) => setTimeout(r, 25));
		}
		// Accepted (it waits at the door: Lena, the leader, overrules a co-leader).
		expect(again?.closed).toBeNull();
		expect(again?.messages[0]).toMatchObject({ type: 'waiting' });
	});
});

describe('a flooded lobby', () => {
	it('one member link used 30 times with a real member’s name: the leader sees they are new, declines all new at once; the real member is back in by herself, and someone who was here before keeps waiting', async () => {
		const s = await startServer();
		const created = await s.createGroup('Flooded group');
		const leader = await s.connect(created.links.leader, 'Lena Leader');
		const anna = await s.connect(created.links.member, 'Anna Berg');
		const bo = await s.connect(created.links.member, 'Bo Lund');
		for (const c of [anna, bo]) {
			leader.send({ type: 'admit', participantId: c.participantId });
			await c.next('admitted');
		}
		// Bo leaves, and asks to come back with his own seat: he waits, as someone who was here.
		bo.send({ type: 'leave' });
		await bo.waitClosed();
		const boBack = await s.connect(created.links.member, 'Bo Lund', { seat: bo.seat });
		// Anna's connection drops; while she is away the link is used again and again, in her name.
		await anna.close();
		const copies: Client[] = [];
		for (let i = 0; i < 30; i++) copies.push(await s.connect(created.links.member, 'Anna Berg'));
		const lobby = await leader.next('lobby', (m) => m.waiting.length === 31);
		expect(lobby.waiting.filter((p) => p.new).map((p) => p.name)).toEqual(Array(30).fill('Anna Berg'));
		expect(lobby.waiting.filter((p) => !p.new).map((p) => p.participantId)).toEqual([bo.participantId]);
		// The real Anna, back with her own seat, is in at once: she never waits among the copies.
		const annaBack = await s.connect(created.links.member, 'Anna Berg', { seat: anna.seat });
		expect(annaBack.admitted).toBe(true);

		const lobbiesBefore = leader.of('lobby').length;
		leader.send({ type: 'decline-new' });
		for (const c of copies) expect((await c.waitClosed()).code).toBe(CloseCode.declined);
		const after = await leader.next('lobby', (m) => m.waiting.length === 1, lobbiesBefore);
		expect(after.waiting[0]).toMatchObject({ participantId: bo.participantId, new: false });
		expect(boBack.closed).toBeNull();
		expect(annaBack.closed).toBeNull();
	});

	it('only a leader may decline all new', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1 });
		const waiting = await s.connect(a.created.links.member, 'Walter Waiting');
		a.members[0]!.send({ type: 'decline-new' });
		expect((await a.members[0]!.next('refused')).code).toBe('not-allowed');
		await a.leader.barrier();
		expect(waiting.closed).toBeNull();
	});
});
