import { afterEach, describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { handQueue, type SessionState } from '../../src/lib/session/state';
import { CloseCode, MAX_FRAME_BYTES, MAX_WAITING } from '../../src/lib/sync/protocol';
import { readState } from '../../src/lib/sync/schema';
import { cleanup, session, startServer, syncFrame, tick, waitFor, type Client, type TestServer } from './harness';

/** The authenticated sync socket: tickets, seats, roles, read-only replicas, bad frames, lobby. */
afterEach(cleanup);

function serverState(s: TestServer, groupId: string): SessionState {
	const room = s.app.rooms.get(groupId);
	if (!room) throw new Error('no live room');
	const fromDoc = readState(room.doc);
	// The document the server sends is always exactly the room's own state.
	expect(fromDoc).toEqual(room.state);
	return room.state;
}

async function barrierAll(clients: Client[]): Promise<void> {
	for (const c of clients) await c.barrier();
}

describe('tickets and the upgrade', () => {
	it('a ticket opens one socket once; a replayed, cross-group or missing ticket gets 401', async () => {
		const s = await startServer();
		const a = await s.createGroup('A');
		const b = await s.createGroup('B');
		const first = await s.ticket(a.links.leader, 'Lena');
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=${first.ticket}`)).toBe(101);
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=${first.ticket}`)).toBe(401);

		const forA = await s.ticket(a.links.leader, 'Lena');
		expect(await s.tryUpgrade(`/sync/${b.group.id}?ticket=${forA.ticket}`)).toBe(401);
		// The failed attempt used the ticket up: it does not open group A afterwards either.
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=${forA.ticket}`)).toBe(401);

		expect(await s.tryUpgrade(`/sync/${a.group.id}`)).toBe(401);
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=`)).toBe(401);
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=not-a-real-ticket-at-all`)).toBe(401);
		// Not the sync path at all: the server hands it back and the socket is dropped.
		expect(await s.tryUpgrade(`/elsewhere?ticket=x`)).toBe(-1);
	});

	it('refuses an Origin of another host with 403 and accepts its own', async () => {
		const s = await startServer();
		const a = await s.createGroup('A');
		const t1 = await s.ticket(a.links.leader, 'Lena');
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=${t1.ticket}`, { origin: 'https://evil.example' })).toBe(403);
		const t2 = await s.ticket(a.links.leader, 'Lena');
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=${t2.ticket}`, { origin: 'not a url' })).toBe(403);
		const t3 = await s.ticket(a.links.leader, 'Lena');
		expect(await s.tryUpgrade(`/sync/${a.group.id}?ticket=${t3.ticket}`, { origin: s.base })).toBe(101);
	});
});

describe('seats', () => {
	it('a reconnect with the seat keeps the participant id and the first name', async () => {
		const s = await startServer();
		const g = await s.createGroup();
		const first = await s.connect(g.links.leader, 'Lena Leader');
		await first.close();
		const again = await s.connect(g.links.leader, 'Someone Else', { seat: first.seat });
		expect(again.participantId).toBe(first.participantId);
		expect(again.answer.name).toBe('Lena Leader');
		const state = await again.waitState((st) => !!st.participants[first.participantId]);
		expect(Object.values(state.participants).map((p) => [p.id, p.name, p.role])).toEqual([[first.participantId, 'Lena Leader', 'leader']]);
	});

	it('ignores a seat from another group or another role: a new participant', async () => {
		const s = await startServer();
		const g = await s.createGroup('G');
		const other = await s.createGroup('Other');
		const leader = await s.ticket(g.links.leader, 'Lena');
		const member = await s.ticket(g.links.member, 'Mia');

		const crossGroup = await s.ticket(other.links.leader, 'Lena Again', leader.seat);
		expect(crossGroup.participantId).not.toBe(leader.participantId);
		expect(crossGroup.name).toBe('Lena Again');
		expect(crossGroup.group.id).toBe(other.group.id);

		const crossRole = await s.ticket(g.links.observer, 'Mia Observing', member.seat);
		expect(crossRole.participantId).not.toBe(member.participantId);
		expect(crossRole.role).toBe('observer');
		expect(crossRole.name).toBe('Mia Observing');

		// A seat whose signature was tampered with is ignored too.
		const [body, mac] = member.seat.split('.') as [string, string];
		const tampered = await s.ticket(g.links.member, 'Mia', `${body}.${mac.slice(0, 5)}${mac[5] === 'A' ? 'B' : 'A'}${mac.slice(6)}`);
		expect(tampered.participantId).not.toBe(member.participantId);
		// And the genuine seat resumes (control).
		expect((await s.ticket(g.links.member, 'Mia', member.seat)).participantId).toBe(member.participantId);
	});

	it('an admitted member who reconnects with the seat is admitted again without the leader, and shows as away meanwhile', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 1 });
		const member = members[0]!;
		await member.close();
		const away = await leader.waitState((st) => st.participants[member.participantId]?.connected === false, 'member away');
		expect(away.participants[member.participantId]).toMatchObject({ name: 'Member 1', role: 'member', connected: false });
		const lobbyBefore = leader.of('lobby').length;

		const back = await s.connect(created.links.member, 'Another Name', { seat: member.seat });
		expect(back.participantId).toBe(member.participantId);
		expect(back.messages[0]).toMatchObject({ type: 'admitted', participantId: member.participantId });
		expect(back.of('waiting')).toHaveLength(0);
		const state = await leader.waitState((st) => st.participants[member.participantId]?.connected === true, 'member back');
		expect(state.participants[member.participantId]!.name).toBe('Member 1');
		expect(Object.keys(state.participants)).toHaveLength(2);
		// Nobody was put in front of the leader for admission.
		await leader.barrier();
		expect(
			leader
				.of('lobby')
				.slice(lobbyBefore)
				.every((m) => m.waiting.length === 0)
		).toBe(true);
		await back.waitState((st) => st.participants[member.participantId]?.connected === true);
	});

	it('the others never see a person who opens a second window as away, not even for a moment', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 1 });
		const member = members[0]!;
		const seen: boolean[] = [];
		leader.doc.on('update', () => {
			const connected = leader.state()?.participants[member.participantId]?.connected;
			if (connected !== undefined) seen.push(connected);
		});
		const again = await s.connect(created.links.member, 'Member 1', { seat: member.seat });
		expect((await member.waitClosed()).code).toBe(CloseCode.replaced);
		await again.next('admitted');
		await leader.barrier();
		expect(seen, "the member's presence as the leader saw it").not.toContain(false);
		expect(leader.must().participants[member.participantId]?.connected).toBe(true);
	});

	it('a second socket for the same person replaces the first (4409) and the room lives on', async () => {
		const s = await startServer();
		const g = await s.createGroup();
		const first = await s.connect(g.links.leader, 'Lena');
		const second = await s.connect(g.links.leader, 'Lena', { seat: first.seat });
		expect((await first.waitClosed()).code).toBe(CloseCode.replaced);
		expect(second.messages[0]).toMatchObject({ type: 'admitted', participantId: first.participantId });
		// Give an empty-room timer (grace 0 here) every chance to fire: it must not.
		await tick(30);
		expect(second.closed).toBeNull();
		expect(s.app.rooms.size).toBe(1);
		await second.barrier();
		second.send({ type: 'next-phase' });
		await second.waitState((st) => st.phase === 'opening');
		expect(second.must().participants[first.participantId]?.connected).toBe(true);
	});
});

describe('roles: the server is the only writer', () => {
	it("drops a member's Yjs writes (update and sync step 2): no replica and no server state changes", async () => {
		const s = await startServer();
		const { leader, members } = await session(s, { members: 1 });
		const member = members[0]!;
		const groupId = leader.groupId;
		const before = serverState(s, groupId);
		expect(before.phase).toBe('gathering');

		// A doc that continues the member's replica and writes to it: phase, own role, a fake person.
		const evil = new Y.Doc();
		Y.applyUpdate(evil, Y.encodeStateAsUpdate(member.doc));
		const vector = Y.encodeStateVector(evil);
		evil.transact(() => {
			evil.getMap('session').set('phase', 'closing');
			evil.getMap('session').set('presenterId', member.participantId);
			const participants = evil.getMap<Record<string, unknown>>('participants');
			participants.set(member.participantId, { ...participants.get(member.participantId), role: 'leader', name: 'Boss' });
		});
		const update = Y.encodeStateAsUpdate(evil, vector);
		// Control: applied to a copy of the server's document, this would change the session.
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(s.app.rooms.get(groupId)!.doc));
		Y.applyUpdate(copy, update);
		expect(readState(copy)).toMatchObject({ phase: 'closing', presenterId: member.participantId });

		const framesBefore = leader.frames.length;
		const updatesBefore = [leader.updates, member.updates];
		member.sendBinary(syncFrame(2, update));
		member.sendBinary(syncFrame(1, Y.encodeStateAsUpdate(evil)));
		await member.barrier();
		await leader.barrier();

		expect(serverState(s, groupId)).toEqual(before);
		[leader, member].forEach((c, i) => {
			expect(c.must()).toEqual(before);
			expect(c.updates).toBe(updatesBefore[i]);
		});
		// The leader got exactly one frame: the answer to its own barrier.
		expect(leader.frames.length).toBe(framesBefore + 1);
		expect(member.closed).toBeNull();
	});

	it('refuses leader actions from a member and a hand from an observer; nothing changes', async () => {
		const s = await startServer();
		const { leader, members, observer } = await session(s, { members: 1, observer: true });
		const member = members[0]!;
		const obs = observer!;
		const before = serverState(s, leader.groupId);

		const attempts: [Client, Record<string, unknown>][] = [
			[member, { type: 'next-phase' }],
			[member, { type: 'set-phase', phase: 'closing' }],
			[member, { type: 'make-presenter', participantId: member.participantId }],
			[member, { type: 'end-session' }],
			[member, { type: 'remove', participantId: obs.participantId }],
			[member, { type: 'share-timers', shared: true }],
			[obs, { type: 'raise-hand' }],
			[obs, { type: 'lower-hand' }],
			[obs, { type: 'next-phase' }]
		];
		for (const [who, action] of attempts) {
			const refusals = who.of('refused').length;
			who.send(action);
			const refused = await who.next('refused', () => true, refusals);
			expect(refused).toEqual({ type: 'refused', action: action.type, code: 'not-allowed' });
		}
		await barrierAll([leader, member, obs]);
		expect(serverState(s, leader.groupId)).toEqual(before);
		for (const c of [leader, member, obs]) expect(c.must()).toEqual(before);
		expect(s.app.rooms.size).toBe(1);
	});

	it('members raise and lower their own hands; the leader sees the queue in order', async () => {
		const s = await startServer();
		const { leader, members } = await session(s, { members: 3 });
		const [m1, m2, m3] = members as [Client, Client, Client];
		m2.send({ type: 'raise-hand' });
		await leader.waitState((st) => st.participants[m2.participantId]?.handRaisedAt !== null);
		m3.send({ type: 'raise-hand' });
		await leader.waitState((st) => st.participants[m3.participantId]?.handRaisedAt !== null);
		m1.send({ type: 'raise-hand' });
		let state = await leader.waitState((st) => handQueue(st).length === 3);
		expect(handQueue(state).map((p) => p.id)).toEqual([m2.participantId, m3.participantId, m1.participantId]);

		// A member may not lower someone else's hand.
		m1.send({ type: 'lower-hand', participantId: m2.participantId });
		expect(await m1.next('refused')).toMatchObject({ action: 'lower-hand', code: 'not-allowed' });

		m2.send({ type: 'lower-hand' });
		state = await leader.waitState((st) => handQueue(st).length === 2);
		expect(handQueue(state).map((p) => p.id)).toEqual([m3.participantId, m1.participantId]);
		// Raising again goes to the back of the queue.
		m2.send({ type: 'raise-hand' });
		state = await leader.waitState((st) => handQueue(st).length === 3);
		expect(handQueue(state).map((p) => p.id)).toEqual([m3.participantId, m1.participantId, m2.participantId]);
		// The leader may lower anyone's hand.
		leader.send({ type: 'lower-hand', participantId: m1.participantId });
		state = await leader.waitState((st) => handQueue(st).length === 2);
		expect(handQueue(state).map((p) => p.id)).toEqual([m3.participantId, m2.participantId]);
		await barrierAll(members);
		for (const m of members) expect(handQueue(m.must()).map((p) => p.id)).toEqual([m3.participantId, m2.participantId]);
		expect(serverState(s, leader.groupId)).toEqual(leader.must());
	});

	it("reflects a leader's phase, presenter and listening changes in every replica", async () => {
		const s = await startServer();
		const { leader, members, observer, everyone } = await session(s, { members: 2, observer: true });
		const [m1, m2] = members as [Client, Client];
		const all = async (check: (st: SessionState) => boolean, what: string) => {
			for (const c of everyone) await c.waitState(check, what);
			expect(serverState(s, leader.groupId)).toEqual(leader.must());
			for (const c of everyone) expect(c.must()).toEqual(leader.must());
		};

		leader.send({ type: 'next-phase' });
		await all((st) => st.phase === 'opening' && st.startedAt !== null, 'opening');
		leader.send({ type: 'next-phase' });
		await all((st) => st.phase === 'case-call', 'case-call');
		leader.send({ type: 'make-presenter', participantId: m2.participantId });
		await all((st) => st.presenterId === m2.participantId && !st.listening, 'presenter');
		leader.send({ type: 'set-phase', phase: 'reflection' });
		await all((st) => st.phase === 'reflection' && st.listening, 'reflection listens');
		// The presenter, listening, cannot raise a hand.
		m2.send({ type: 'raise-hand' });
		expect(await m2.next('refused')).toMatchObject({ code: 'presenter-listening' });
		leader.send({ type: 'set-listening', listening: false });
		await all((st) => st.phase === 'reflection' && !st.listening, 'listening off by hand');
		leader.send({ type: 'set-listening', listening: true });
		await all((st) => st.listening, 'listening on by hand');
		leader.send({ type: 'next-phase' });
		await all((st) => st.phase === 'return' && !st.listening && st.presenterId === m2.participantId, 'return clears listening');
		leader.send({ type: 'make-presenter', participantId: m1.participantId });
		await all((st) => st.presenterId === m1.participantId, 'other presenter');
		leader.send({ type: 'make-presenter', participantId: observer!.participantId });
		expect(await leader.next('refused')).toMatchObject({ action: 'make-presenter', code: 'not-a-member' });
		leader.send({ type: 'set-phase', phase: 'case-call' });
		await all((st) => st.phase === 'case-call' && st.caseNumber === 2 && st.presenterId === null, 'second case');
	});

	it('extra fields in a valid message are refused, never trusted: the actor, name and role come from the ticket', async () => {
		const s = await startServer();
		const { leader, members } = await session(s, { members: 2 });
		const [m1, m2] = members as [Client, Client];
		const before = serverState(s, leader.groupId);
		m1.send({ type: 'raise-hand', participantId: m2.participantId, actor: leader.participantId, role: 'leader', name: 'Boss' });
		expect((await m1.waitClosed()).code).toBe(CloseCode.malformed);
		m2.send({ type: 'next-phase', role: 'leader', participantId: leader.participantId });
		expect((await m2.waitClosed()).code).toBe(CloseCode.malformed);
		await leader.barrier();
		const after = serverState(s, leader.groupId);
		expect(after.phase).toBe(before.phase);
		expect(Object.values(after.participants).map((p) => [p.name, p.role, p.handRaisedAt])).toEqual(
			Object.values(before.participants).map((p) => [p.name, p.role, p.handRaisedAt])
		);
	});

	it('refuses set-phase with an unknown phase and changes nothing', async () => {
		const s = await startServer();
		const { leader, members } = await session(s, { members: 1 });
		leader.send({ type: 'next-phase' });
		const before = await leader.waitState((st) => st.phase === 'opening');
		for (const phase of ['lunch', 'ended', '', 'OPENING']) {
			const n = leader.of('refused').length;
			leader.send({ type: 'set-phase', phase });
			expect(await leader.next('refused', () => true, n)).toEqual({ type: 'refused', action: 'set-phase', code: 'unknown-phase' });
		}
		await barrierAll([leader, members[0]!]);
		expect(serverState(s, leader.groupId)).toEqual(before);
		expect(leader.must()).toEqual(before);
		expect(members[0]!.must()).toEqual(before);
	});
});

describe('awareness from clients', () => {
	it("drops a member's awareness frame that claims the leader's client id and role; nobody hears of it", async () => {
		const s = await startServer();
		const { leader, members, observer } = await session(s, { members: 2, observer: true });
		const [spoofer, bystander] = members as [Client, Client];
		const before = serverState(s, leader.groupId);
		const counts = [leader, bystander, observer!].map((c) => c.frames.length + c.messages.length);
		const updates = [leader, bystander, observer!].map((c) => c.updates);

		const fake = new Y.Doc();
		fake.clientID = leader.doc.clientID;
		const awareness = new awarenessProtocol.Awareness(fake);
		awareness.setLocalState({ name: 'Leader', role: 'leader', user: { name: 'Leader' } });
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [fake.clientID]));
		awareness.destroy();
		fake.destroy();
		spoofer.sendBinary(encoding.toUint8Array(encoder));
		spoofer.send({ type: 'raise-hand' }); // something legitimate right after
		await spoofer.barrier();
		expect(spoofer.closed).toBeNull();

		await leader.waitState((st) => st.participants[spoofer.participantId]?.handRaisedAt !== null);
		for (const c of [leader, bystander, observer!]) await c.barrier();
		// Each bystander got exactly: its barrier's answer and the one update for the raised hand.
		[leader, bystander, observer!].forEach((c, i) => {
			expect(c.frames.length + c.messages.length).toBe(counts[i]! + 2);
			expect(c.otherFrames).toBe(0);
			expect(c.updates).toBe(updates[i]! + 1);
		});
		const roster = Object.values(serverState(s, leader.groupId).participants)
			.map((p) => [p.id, p.name, p.role])
			.sort();
		expect(roster).toEqual(
			[
				[leader.participantId, 'Lena Leader', 'leader'],
				[spoofer.participantId, 'Member 1', 'member'],
				[bystander.participantId, 'Member 2', 'member'],
				[observer!.participantId, 'Olga Observer', 'observer']
			].sort()
		);
		for (const c of [leader, bystander, observer!]) {
			expect(c.must().participants).toEqual(serverState(s, leader.groupId).participants);
		}
		expect(Object.keys(before.participants).sort()).toEqual(roster.map((r) => r[0]).sort());
	});
});

describe('two leaders at the same moment', () => {
	it('conflicting actions from leader and co-leader converge: every replica equals the server', async () => {
		const s = await startServer();
		const { leader, co, members, everyone } = await session(s, { members: 2, coLeader: true });
		const coLeader = co!;
		const [m1, m2] = members as [Client, Client];
		const rounds: [Record<string, unknown>, Record<string, unknown>][] = [
			[
				{ type: 'set-phase', phase: 'questions' },
				{ type: 'set-phase', phase: 'closing' }
			],
			[
				{ type: 'make-presenter', participantId: m1.participantId },
				{ type: 'make-presenter', participantId: m2.participantId }
			],
			[{ type: 'set-phase', phase: 'reflection' }, { type: 'next-phase' }],
			[
				{ type: 'set-listening', listening: true },
				{ type: 'set-listening', listening: false }
			],
			[
				{ type: 'make-presenter', participantId: null },
				{ type: 'make-presenter', participantId: m1.participantId }
			],
			[
				{ type: 'lower-hand', participantId: m2.participantId },
				{ type: 'remove', participantId: m2.participantId }
			]
		];
		m2.send({ type: 'raise-hand' });
		await leader.waitState((st) => st.participants[m2.participantId]?.handRaisedAt !== null);
		for (const [a, b] of rounds) {
			// Same tick, both sockets.
			leader.send(a);
			coLeader.send(b);
			await leader.barrier();
			await coLeader.barrier();
			const live = () => everyone.filter((c) => c.closed === null);
			await waitFor(() => {
				const server = s.app.rooms.get(leader.groupId)!.state;
				return live().every((c) => isDeepStrictEqual(c.state(), server));
			}, 'replicas converge');
			const server = serverState(s, leader.groupId);
			for (const c of live()) expect(c.must()).toEqual(server);
		}
		const final = serverState(s, leader.groupId);
		// Whichever came first, the phase is one the two leaders asked for, and m1 presents.
		expect(['reflection', 'return']).toContain(final.phase);
		expect(final.presenterId).toBe(m1.participantId);
		expect(final.participants[m2.participantId]).toBeUndefined();
		expect((await m2.waitClosed()).code).toBe(CloseCode.removed);
	});
});

describe('malformed frames', () => {
	it('closes only the offending connection (4400; 1009 when oversized, 1007 when not UTF-8); other groups keep working', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1 });
		const b = await session(s, { members: 1 });
		const bLeader = b.leader;
		const bMember = b.members[0]!;
		const phases = ['opening', 'case-call', 'presentation', 'questions', 'reflection', 'return', 'closing'];
		let step = 0;

		async function otherGroupStillWorks() {
			const phase = phases[step++ % phases.length]!;
			bLeader.send({ type: 'set-phase', phase });
			await bMember.waitState((st) => st.phase === phase, `group B in ${phase}`);
			expect(bLeader.closed).toBeNull();
		}

		const text: [string, string][] = [
			['invalid JSON', '{"type": next-phase'],
			['unknown type', '{"type":"fly-away"}'],
			['no type', '{"phase":"closing"}'],
			['a JSON array', '["next-phase"]'],
			['JSON null', 'null'],
			['a valid type with wrong extra fields', '{"type":"set-listening","listening":"yes","role":"leader"}'],
			['a valid type with a wrong field', '{"type":"make-presenter","participantId":{"$ne":null}}'],
			['a valid type missing its field', '{"type":"admit"}'],
			['a restore with a bad snapshot', '{"type":"restore","snapshot":{"phase":"closing"}}']
		];
		const binary: [string, Uint8Array][] = [
			['binary garbage', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
			['an empty binary frame', new Uint8Array([])],
			['an unknown binary message type', new Uint8Array([7, 0, 0])],
			['a truncated sync step 1', new Uint8Array([0, 0, 0xff, 0x01])]
		];
		const cases: [string, (c: Client) => void][] = [
			...text.map(([what, t]): [string, (c: Client) => void] => [what, (c) => c.sendText(t)]),
			...binary.map(([what, f]): [string, (c: Client) => void] => [what, (c) => c.sendBinary(f)])
		];
		for (const [what, send] of cases) {
			const bad = await s.connect(a.created.links.coLeader, 'Carl');
			// Arriving after the leader, a co-leader waits at the door (issue 15): let in first, so the garbage reaches the room's handlers.
			a.leader.send({ type: 'admit', participantId: bad.participantId });
			await bad.next('admitted');
			send(bad);
			const closed = await bad.waitClosed();
			expect([what, closed.code]).toEqual([what, CloseCode.malformed]);
			await otherGroupStillWorks();
		}

		// A waiting member's garbage closes it too, before any admission.
		const waiting = await s.connect(a.created.links.member, 'Wanda');
		expect(waiting.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });
		waiting.sendText('not json');
		expect((await waiting.waitClosed()).code).toBe(CloseCode.malformed);

		// Over the frame cap: ws itself closes with 1009.
		const big = await s.connect(a.created.links.coLeader, 'Carl');
		big.sendText(JSON.stringify({ type: 'set-phase', phase: 'x'.repeat(MAX_FRAME_BYTES) }));
		expect((await big.waitClosed()).code).toBe(1009);
		await otherGroupStillWorks();
		const bigBinary = await s.connect(a.created.links.coLeader, 'Carl');
		bigBinary.sendBinary(new Uint8Array(MAX_FRAME_BYTES + 1));
		expect((await bigBinary.waitClosed()).code).toBe(1009);
		await otherGroupStillWorks();
		// A text frame that is not UTF-8: ws closes with 1007 and the reason reaches the client.
		const badText = await s.connect(a.created.links.coLeader, 'Carl');
		badText.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
		expect((await badText.waitClosed()).code).toBe(1007);
		await otherGroupStillWorks();

		// Group A itself is unharmed: its leader and member are still connected and in step.
		expect(a.leader.closed).toBeNull();
		a.leader.send({ type: 'next-phase' });
		await a.members[0]!.waitState((st) => st.phase === 'opening');
		expect(s.app.rooms.size).toBe(2);
		expect(serverState(s, b.leader.groupId).phase).toBe(phases[(step - 1) % phases.length]);
	});
});

describe('lobby', () => {
	it('a flooded lobby takes no more than MAX_WAITING; leaders and admitted people still get in', async () => {
		const s = await startServer();
		const { created, leader, members } = await session(s, { members: 1 });
		const waiting: Client[] = [];
		for (let i = 0; i < MAX_WAITING; i++) waiting.push(await s.connect(created.links.member, `Flood ${i}`));
		await leader.waitFor((c) => c.last('lobby')?.waiting.length === MAX_WAITING, 'a full lobby');
		const one = await s.connect(created.links.member, 'One too many', { settle: false });
		expect(await one.waitClosed()).toEqual({ code: CloseCode.lobbyFull, reason: 'waiting room full' });
		expect(leader.last('lobby')?.waiting).toHaveLength(MAX_WAITING);
		// Those who belong are not held up: a co-leader still reaches the door (leaders wait apart, issue 15), an admitted member comes back.
		const co = await s.connect(created.links.coLeader, 'Carl Co');
		expect(co.messages[0]).toMatchObject({ type: 'waiting' });
		leader.send({ type: 'admit', participantId: co.participantId });
		await co.next('admitted');
		const back = await s.connect(created.links.member, 'Member 1', { seat: members[0]!.seat });
		await back.next('admitted');
		// Once a leader has dealt with someone, there is room again.
		leader.send({ type: 'decline', participantId: waiting[0]!.participantId });
		await waiting[0]!.waitClosed();
		const next = await s.connect(created.links.member, 'Next');
		expect(next.messages[0]).toMatchObject({ type: 'waiting' });
	});

	it('people in the lobby learn whether a leader is there to let them in, and when that changes', async () => {
		const s = await startServer();
		const g = await s.createGroup();
		const mia = await s.connect(g.links.member, 'Mia Member');
		expect(mia.messages[0]).toEqual({ type: 'waiting', leaderPresent: false, media: false });
		const carl = await s.connect(g.links.coLeader, 'Carl Co');
		expect(await mia.next('waiting', (m) => m.leaderPresent)).toEqual({ type: 'waiting', leaderPresent: true, media: false });
		// The co-leader's connection drops: nobody is there to let her in any more.
		carl.ws.terminate();
		await mia.next('waiting', (m) => !m.leaderPresent, 2);
		const lena = await s.connect(g.links.leader, 'Lena Leader');
		await mia.next('waiting', (m) => m.leaderPresent, 3);
		// Only the lobby hears of it, and only on a change: admitted people and the leader do not.
		const otto = await s.connect(g.links.observer, 'Otto Observer');
		expect(otto.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });
		lena.send({ type: 'admit', participantId: mia.participantId });
		await mia.next('admitted');
		const carlBack = await s.connect(g.links.coLeader, 'Carl Co');
		// Back under a new id after Lena came, Carl waits at the door for her (issue 15).
		lena.send({ type: 'admit', participantId: carlBack.participantId });
		await carlBack.waitState((st) => st.participants[carlBack.participantId]?.connected === true);
		await otto.barrier();
		expect(otto.of('waiting')).toHaveLength(1);
		expect(mia.of('waiting')).toHaveLength(4);
		expect(lena.of('waiting')).toHaveLength(0);
	});

	it('members and observers wait without any document; leaders see who waits; admit, decline and remove', async () => {
		const s = await startServer();
		const g = await s.createGroup();
		const leader = await s.connect(g.links.leader, 'Lena Leader');
		const mia = await s.connect(g.links.member, 'Mia Member');
		const otto = await s.connect(g.links.observer, 'Otto Observer');
		const dan = await s.connect(g.links.member, 'Dan Declined');
		for (const c of [mia, otto, dan]) expect(c.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });

		// Nothing of the session reaches a waiting socket, even when it asks.
		leader.send({ type: 'next-phase' });
		await leader.waitState((st) => st.phase === 'opening');
		mia.sendBinary(syncFrame(0, Y.encodeStateVector(mia.doc)));
		for (const c of [mia, otto, dan]) {
			await c.barrier();
			expect(c.frames).toHaveLength(0);
			expect(c.state()).toBeNull();
			expect(c.doc.getMap('session').size).toBe(0);
			expect(c.doc.getMap('participants').size).toBe(0);
			expect(c.of('lobby')).toHaveLength(0);
		}
		// A waiting member cannot admit anyone, not even themselves.
		mia.send({ type: 'admit', participantId: mia.participantId });
		expect(await mia.next('refused', (m) => m.action === 'admit')).toMatchObject({ code: 'not-allowed' });

		await leader.waitFor((c) => c.last('lobby')?.waiting.length === 3, 'lobby of three');
		expect(leader.last('lobby')!.waiting).toEqual([
			{ participantId: mia.participantId, name: 'Mia Member', role: 'member', new: true },
			{ participantId: otto.participantId, name: 'Otto Observer', role: 'observer', new: true },
			{ participantId: dan.participantId, name: 'Dan Declined', role: 'member', new: true }
		]);
		expect(Object.keys(leader.must().participants)).toEqual([leader.participantId]);

		leader.send({ type: 'decline', participantId: dan.participantId });
		expect((await dan.waitClosed()).code).toBe(CloseCode.declined);
		leader.send({ type: 'admit', participantId: mia.participantId });
		leader.send({ type: 'admit', participantId: otto.participantId });
		await mia.next('admitted');
		await otto.next('admitted');
		await leader.waitFor((c) => c.last('lobby')?.waiting.length === 0, 'empty lobby');
		const state = await mia.waitState((st) => Object.keys(st.participants).length === 3);
		expect(state.phase).toBe('opening');
		expect(state.participants[otto.participantId]).toMatchObject({ name: 'Otto Observer', role: 'observer', connected: true });
		expect(state.participants[dan.participantId]).toBeUndefined();
		// Admitting someone unknown (or already admitted) is refused.
		leader.send({ type: 'admit', participantId: dan.participantId });
		expect(await leader.next('refused', (m) => m.action === 'admit')).toMatchObject({ code: 'unknown-participant' });
		// Admitted members still never hear the lobby.
		await mia.barrier();
		expect(mia.of('lobby')).toHaveLength(0);

		leader.send({ type: 'remove', participantId: otto.participantId });
		expect((await otto.waitClosed()).code).toBe(CloseCode.removed);
		const after = await mia.waitState((st) => !st.participants[otto.participantId]);
		expect(Object.keys(after.participants).sort()).toEqual([leader.participantId, mia.participantId].sort());
		await leader.waitState((st) => !st.participants[otto.participantId]);
		// A removed seat stays out of the session; the person may come back only as someone new, admitted again.
		const ottoSeat = await s.connect(g.links.observer, 'Otto', { seat: otto.seat, settle: false });
		expect((await ottoSeat.waitClosed()).code).toBe(CloseCode.removed);
		const ottoAgain = await s.connect(g.links.observer, 'Otto');
		expect(ottoAgain.messages[0]).toEqual({ type: 'waiting', leaderPresent: true, media: false });
		// Leaders cannot be removed.
		leader.send({ type: 'remove', participantId: leader.participantId });
		expect(await leader.next('refused', (m) => m.action === 'remove')).toMatchObject({ code: 'cannot-remove-leader' });
	});
});
