import { afterEach, describe, expect, it } from 'vitest';
import { channelKey, groupLeadersKey, openMessage, sealMessage } from '../../src/lib/sync/leaders-key';
import { CloseCode } from '../../src/lib/sync/protocol';
import { MAX_LEADER_CIPHERTEXT } from '../../src/lib/session/leader-channel';
import { askLink, cleanup, session, startServer, tick, tokenOf, waitFor, type Client } from './harness';

/**
 * What only leaders may know, over real sockets: the case call's offers (in the room's memory,
 * never in the document, sent to leaders alone) and the leaders' channel (ciphertext relayed to
 * the other leaders only). Every member's and observer's socket is searched for what must not reach it.
 */
afterEach(cleanup);

const leadersKeyOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('l');

/** Everything a socket received, text and binary, as one searchable string. */
function everything(c: Client): string {
	return JSON.stringify(c.messages) + c.frames.map((f) => Buffer.from(f).toString('latin1')).join('');
}

async function barrierAll(clients: Client[]): Promise<void> {
	for (const c of clients) await c.barrier();
}

describe('the case call', () => {
	it('leaders see every offer in order; a member hears only their own, the document never changes, an observer hears nothing', async () => {
		const s = await startServer();
		const { leader, co, members, observer, everyone } = await session(s, { members: 3, observer: true, coLeader: true });
		const [anna, bo, cleo] = members as [Client, Client, Client];
		leader.send({ type: 'set-phase', phase: 'case-call' });
		await cleo.waitState((st) => st.phase === 'case-call');
		await barrierAll(everyone);
		const updatesBefore = everyone.map((c) => c.updates);

		bo.send({ type: 'offer-case', on: true });
		await bo.next('my-case-offer', (m) => m.on);
		anna.send({ type: 'offer-case', on: true });
		await anna.next('my-case-offer', (m) => m.on);
		for (const l of [leader, co!]) {
			await l.next('case-offers', (m) => m.offers.length === 2);
			expect(l.last('case-offers')!.offers).toEqual([
				{ participantId: bo.participantId, name: 'Member 2' },
				{ participantId: anna.participantId, name: 'Member 1' }
			]);
		}
		await barrierAll(everyone);
		// Nothing of it went into the shared document: no update reached anyone.
		expect(everyone.map((c) => c.updates)).toEqual(updatesBefore);
		expect(JSON.stringify(s.app.rooms.get(leader.groupId)!.state)).not.toMatch(/offer/i);
		// Neither another member nor the observer received a word about anyone's offer.
		for (const c of [cleo, observer!]) {
			expect(c.of('case-offers')).toEqual([]);
			expect(c.of('my-case-offer')).toEqual([]);
		}
		for (const c of [anna, bo, cleo, observer!]) expect(c.of('case-offers')).toEqual([]);
		expect(JSON.stringify(anna.messages)).not.toContain(bo.participantId);
		expect(JSON.stringify(bo.messages)).not.toContain(anna.participantId);

		// Taken back: out of the list; offered again: at the end.
		bo.send({ type: 'offer-case', on: false });
		await leader.next('case-offers', (m) => m.offers.length === 1);
		bo.send({ type: 'offer-case', on: true });
		await leader.next('case-offers', (m) => m.offers.map((o) => o.name).join() === 'Member 1,Member 2');

		// A presenter is chosen: their offer is taken up (they hear it is off), Anna's stands.
		leader.send({ type: 'make-presenter', participantId: bo.participantId });
		await co!.next('case-offers', (m) => m.offers.map((o) => o.name).join() === 'Member 1', co!.of('case-offers').length - 1);
		await bo.next('my-case-offer', (m) => !m.on, bo.of('my-case-offer').length - 1);
		// The case call ends: every offer goes, and Anna hears hers is off.
		leader.send({ type: 'next-phase' });
		await co!.next('case-offers', (m) => m.offers.length === 0, co!.of('case-offers').length - 1);
		await anna.next('my-case-offer', (m) => !m.on);
		await barrierAll(everyone);
		for (const c of [cleo, observer!]) expect(c.of('case-offers').length + c.of('my-case-offer').length).toBe(0);
	});

	it('refuses an offer outside the case call, from a leader or an observer, and from a stranger to the rules, changing nothing', async () => {
		const s = await startServer();
		const { leader, members, observer } = await session(s, { members: 1, observer: true });
		const member = members[0]!;
		member.send({ type: 'offer-case', on: true });
		expect(await member.next('refused')).toMatchObject({ action: 'offer-case', code: 'offer-outside-case-call' });
		leader.send({ type: 'set-phase', phase: 'case-call' });
		await member.waitState((st) => st.phase === 'case-call');
		leader.send({ type: 'offer-case', on: true });
		expect(await leader.next('refused')).toMatchObject({ action: 'offer-case', code: 'offer-members-only' });
		observer!.send({ type: 'offer-case', on: true });
		expect(await observer!.next('refused')).toMatchObject({ action: 'offer-case', code: 'offer-members-only' });
		await leader.barrier();
		expect(leader.of('case-offers')).toEqual([]);
		// A malformed offer closes that one socket, as any malformed frame does.
		member.send({ type: 'offer-case', on: 'yes' });
		expect((await member.waitClosed()).code).toBe(CloseCode.malformed);
		await leader.barrier();
		expect(leader.of('case-offers')).toEqual([]);
	});

	it('someone who leaves drops out, the phase moving on clears all, and a reconnect gets back what stands', async () => {
		const s = await startServer();
		const { leader, created, members } = await session(s, { members: 3 });
		const [anna, bo, cleo] = members as [Client, Client, Client];
		leader.send({ type: 'set-phase', phase: 'case-call' });
		await cleo.waitState((st) => st.phase === 'case-call');
		for (const m of [anna, bo, cleo]) {
			m.send({ type: 'offer-case', on: true });
			await m.next('my-case-offer');
		}
		await leader.next('case-offers', (m) => m.offers.length === 3);
		cleo.send({ type: 'leave' });
		await leader.next('case-offers', (m) => m.offers.map((o) => o.name).join() === 'Member 1,Member 2');

		// Bo's connection drops and comes back with his seat: his toggle is on again; a leader who reconnects sees the list.
		bo.ws.terminate();
		await leader.waitState((st) => st.participants[bo.participantId]?.connected === false);
		const boAgain = await s.connect(created.links.member, 'Member 2', { seat: bo.seat });
		expect(await boAgain.next('my-case-offer')).toEqual({ type: 'my-case-offer', on: true });
		const leaderAgain = await s.connect(created.links.leader, 'Lena Leader', { seat: leader.seat });
		expect((await leaderAgain.next('case-offers')).offers.map((o) => o.name)).toEqual(['Member 1', 'Member 2']);

		leaderAgain.send({ type: 'next-phase' });
		await leaderAgain.next('case-offers', (m) => m.offers.length === 0);
		expect(await boAgain.next('my-case-offer', (m) => !m.on)).toEqual({ type: 'my-case-offer', on: false });
		// Outside the case call, nothing more is taken.
		anna.send({ type: 'offer-case', on: true });
		expect(await anna.next('refused')).toMatchObject({ code: 'offer-outside-case-call' });
	});
});

describe('the leaders channel', () => {
	it("relays a sealed message to the other leaders only, with the sender's id and the server's time; nobody else gets a frame of it", async () => {
		const s = await startServer({ LOG_LEVEL: 'debug' });
		const { created, leader, co, members, observer, everyone } = await session(s, { members: 2, observer: true, coLeader: true });
		const secret = leadersKeyOf(created.links.leader)!;
		expect(leadersKeyOf(created.links.coLeader)).toBe(secret);
		const key = await channelKey(secret, created.group.id);
		const plaintext = 'Shall we move to return?';
		const ciphertext = await sealMessage(key, created.group.id, plaintext);
		const before = Date.now();
		leader.send({ type: 'leader-message', ciphertext });
		const got = await co!.next('leader-message');
		expect(got).toEqual({ type: 'leader-message', from: leader.participantId, at: expect.any(Number), ciphertext });
		expect(got.at).toBeGreaterThanOrEqual(before - 1000);
		// The co-leader opens it with the key from their own link.
		expect(await openMessage(await channelKey(leadersKeyOf(created.links.coLeader)!, created.group.id), created.group.id, got.ciphertext)).toBe(plaintext);

		co!.send({ type: 'leader-message', ciphertext: await sealMessage(key, created.group.id, 'Yes, in two minutes.') });
		await leader.next('leader-message');
		await barrierAll(everyone);
		expect(leader.of('leader-message')).toHaveLength(1);
		expect(co!.of('leader-message')).toHaveLength(1);
		for (const c of [...members, observer!]) {
			expect(c.of('leader-message')).toEqual([]);
			expect(everything(c)).not.toContain(ciphertext.slice(0, 40));
		}
		// Not kept and not logged: neither the ciphertext nor anything of it is in the server's log.
		expect(s.log.join('\n')).not.toContain(ciphertext.slice(0, 40));
		expect(JSON.stringify(s.app.rooms.get(created.group.id)!.state)).not.toContain(ciphertext.slice(0, 40));
	});

	it('a member or observer cannot send one, an oversized or non-ciphertext one is refused, a malformed frame closes its socket: none is relayed', async () => {
		const s = await startServer();
		const { created, leader, co, members, observer, everyone } = await session(s, { members: 1, observer: true, coLeader: true });
		const member = members[0]!;
		const sealed = await sealMessage(await channelKey(leadersKeyOf(created.links.leader)!, created.group.id), created.group.id, 'only for leaders');

		member.send({ type: 'leader-message', ciphertext: sealed });
		expect(await member.next('refused')).toMatchObject({ action: 'leader-message', code: 'not-allowed' });
		observer!.send({ type: 'leader-message', ciphertext: sealed });
		expect(await observer!.next('refused')).toMatchObject({ action: 'leader-message', code: 'not-allowed' });
		leader.send({ type: 'leader-message', ciphertext: 'A'.repeat(MAX_LEADER_CIPHERTEXT + 1) });
		expect(await leader.next('refused')).toMatchObject({ action: 'leader-message', code: 'leader-message-too-long' });
		leader.send({ type: 'leader-message', ciphertext: 'Shall we move to return? Shall we move to return?' });
		expect(await leader.next('refused', () => true, 1)).toMatchObject({ action: 'leader-message', code: 'leader-message-malformed' });
		await barrierAll(everyone);
		for (const c of everyone) expect(c.of('leader-message'), 'nothing relayed').toEqual([]);
		const stateBefore = JSON.stringify(s.app.rooms.get(created.group.id)!.state);

		co!.send({ type: 'leader-message', ciphertext: 12345 });
		expect((await co!.waitClosed()).code).toBe(CloseCode.malformed);
		leader.send({ type: 'leader-message', ciphertext: sealed, from: member.participantId });
		expect((await leader.waitClosed()).code).toBe(CloseCode.malformed);
		await tick(50);
		await member.barrier();
		expect(member.of('leader-message')).toEqual([]);
		expect(JSON.stringify(s.app.rooms.get(created.group.id)!.state).replace(/"connected":(true|false)/g, '')).toBe(
			stateBefore.replace(/"connected":(true|false)/g, '')
		);
	});

	it("a flood of leader messages is cut off by the socket's budget like any other", async () => {
		const s = await startServer();
		const { created, leader, co } = await session(s, { members: 0, coLeader: true });
		const sealed = await sealMessage(await channelKey(leadersKeyOf(created.links.leader)!, created.group.id), created.group.id, 'again');
		for (let i = 0; i < 200; i++) leader.send({ type: 'leader-message', ciphertext: sealed });
		expect((await leader.waitClosed()).code).toBe(CloseCode.flooding);
		await waitFor(() => co!.of('leader-message').length > 0, 'some relayed');
		expect(co!.of('leader-message').length).toBeLessThan(200);
	});
});

describe("the leaders' key in links", () => {
	it('POST /api/groups puts one in the leader and co-leader links only, fresh each answer or the caller’s; shown and replaced links never carry it', async () => {
		const s = await startServer();
		const a = await s.createGroup('A');
		const key = leadersKeyOf(a.links.leader);
		expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(leadersKeyOf(a.links.coLeader)).toBe(key);
		expect(leadersKeyOf(a.links.member)).toBeNull();
		expect(leadersKeyOf(a.links.observer)).toBeNull();
		// Not the media key, and another one for the next group.
		expect(new URLSearchParams(new URL(a.links.leader).hash.slice(1)).get('k')).not.toBe(key);
		expect(leadersKeyOf((await s.createGroup('B')).links.leader)).not.toBe(key);
		const mine = 'L'.repeat(43);
		const own = await s.createGroup('C', { leadersKey: mine });
		expect([own.links.leader, own.links.coLeader].map(leadersKeyOf)).toEqual([mine, mine]);
		expect([own.links.member, own.links.observer].map(leadersKeyOf)).toEqual([null, null]);
		expect((await s.post('/api/groups', { name: 'D', leadersKey: 'short' })).status).toBe(400);
		const lena = await s.connect(a.links.leader, 'Lena Leader');
		for (const path of ['current', 'replace'] as const) {
			for (const role of ['member', 'observer']) {
				const res = await askLink(s, path, lena, role);
				expect(res.status, `${path} ${role}`).toBe(200);
				expect(new URL(res.json.link).hash).not.toContain('l=');
				expect(JSON.stringify(res.json)).not.toContain(key);
			}
		}
	});

	it("a conference group's leaders' key is derived from the organiser's secret, in its leader links only", async () => {
		const s = await startServer();
		const res = await s.post('/api/conferences', {
			name: 'Nordic Balint Days',
			timeZone: 'Europe/Stockholm',
			sessions: [{ start: '2027-03-10T09:00:00+01:00', minutes: 90 }],
			groups: [{ name: 'Group A' }, { name: 'Group B' }]
		});
		expect(res.status).toBe(201);
		const secret = new URLSearchParams(new URL(res.json.organiserLink).hash.slice(1)).get('k')!;
		expect(leadersKeyOf(res.json.organiserLink)).toBeNull();
		for (const g of res.json.groups) {
			const key = await groupLeadersKey(secret, g.id);
			expect([g.links.leader, g.links.coLeader].map(leadersKeyOf)).toEqual([key, key]);
			expect([g.links.member, g.links.observer].map(leadersKeyOf)).toEqual([null, null]);
		}
		const bare = await s.post('/api/conferences/links', { token: tokenOf(res.json.organiserLink) });
		for (const g of bare.json.groups) for (const link of Object.values(g.links) as string[]) expect(leadersKeyOf(link)).toBeNull();
	});
});
