import { afterEach, describe, expect, it } from 'vitest';
import { channelKey, groupLeadersKey, openMessage, sealMessage } from '../../src/lib/sync/leaders-key';
import { cleanup, fragmentOf, session, startServer, tokenOf, waitFor, type Client, type ServerClient } from './harness';

/**
 * The supervisor link over real sockets: the fifth link signs and opens, its holder waits in
 * the lobby like an observer and steers nothing once admitted, and the leaders' channel reaches
 * the supervisor and comes from them, while no member's or observer's socket carries a frame of it.
 */
afterEach(cleanup);

const leadersKeyOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('l');

function everything(c: Client): string {
	return JSON.stringify(c.messages) + c.frames.map((f) => Buffer.from(f).toString('latin1')).join('');
}

/** A supervised session: two leaders, two members, an observer, and the supervisor, admitted. */
async function supervised(s: ServerClient) {
	const base = await session(s, { members: 2, observer: true, coLeader: true });
	const supervisor = await s.connect(base.created.links.supervisor, 'Siri Supervisor');
	await base.leader.next('lobby', (m) => m.waiting.some((w) => w.participantId === supervisor.participantId));
	base.leader.send({ type: 'admit', participantId: supervisor.participantId });
	await supervisor.next('admitted');
	const everyone = [...base.everyone, supervisor];
	await waitFor(() => everyone.every((c) => Object.keys(c.state()?.participants ?? {}).length === everyone.length), 'everyone in every roster');
	return { ...base, supervisor, everyone };
}

describe('the supervisor link', () => {
	it("signs and opens as the fifth role, with the leaders' key (the caller's, or one fresh for the answer) and the media key in its fragment", async () => {
		const s = await startServer();
		const a = await s.createGroup('Supervised group');
		const key = leadersKeyOf(a.links.leader);
		expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(leadersKeyOf(a.links.supervisor)).toBe(key);
		expect(fragmentOf(a.links.supervisor).k).toBe(fragmentOf(a.links.member).k);
		const inspected = await s.post('/api/links/inspect', { token: tokenOf(a.links.supervisor) });
		expect(inspected.status).toBe(200);
		expect(inspected.json).toMatchObject({ role: 'supervisor', group: { id: a.group.id, name: 'Supervised group' } });
		const mine = 'S'.repeat(43);
		expect(leadersKeyOf((await s.createGroup('Own key', { leadersKey: mine })).links.supervisor)).toBe(mine);
		// A supervisor link is not one a leader shows again from the room (it carries the key, and is shown once, when made).
		expect((await s.post('/api/links/current', { token: tokenOf(a.links.leader), role: 'supervisor' })).status).toBe(400);
	});

	it("a conference group's supervisor link carries its derived leaders' key", async () => {
		const s = await startServer();
		const res = await s.post('/api/conferences', {
			name: 'Nordic Balint Days',
			timeZone: 'Europe/Stockholm',
			sessions: [{ start: '2027-03-10T09:00:00+01:00', minutes: 90 }],
			groups: [{ name: 'Group A' }]
		});
		expect(res.status).toBe(201);
		const secret = new URLSearchParams(new URL(res.json.organiserLink).hash.slice(1)).get('k')!;
		const group = res.json.groups[0];
		expect(leadersKeyOf(group.links.supervisor)).toBe(await groupLeadersKey(secret, group.id));
	});

	it('waits in the lobby, named as supervisor to the leaders, and once admitted steers nothing and raises no hand', async () => {
		const s = await startServer();
		const created = await s.createGroup();
		const leader = await s.connect(created.links.leader, 'Lena Leader');
		const supervisor = await s.connect(created.links.supervisor, 'Siri Supervisor');
		expect(supervisor.answer.role).toBe('supervisor');
		expect(supervisor.admitted).toBe(false);
		const lobby = await leader.next('lobby', (m) => m.waiting.length === 1);
		expect(lobby.waiting[0]).toMatchObject({ participantId: supervisor.participantId, name: 'Siri Supervisor', role: 'supervisor' });
		leader.send({ type: 'admit', participantId: supervisor.participantId });
		await supervisor.next('admitted');
		const state = await supervisor.waitState((st) => !!st.participants[supervisor.participantId]);
		expect(state.participants[supervisor.participantId]).toMatchObject({ name: 'Siri Supervisor', role: 'supervisor' });

		for (const action of [{ type: 'next-phase' }, { type: 'set-phase', phase: 'reflection' }, { type: 'raise-hand' }, { type: 'end-session' }]) {
			const before = supervisor.of('refused').length;
			supervisor.send(action);
			expect(await supervisor.next('refused', () => true, before), action.type).toMatchObject({ code: 'not-allowed' });
		}
		supervisor.send({ type: 'offer-case', on: true });
		expect(await supervisor.next('refused', (m) => m.action === 'offer-case')).toMatchObject({ code: 'offer-members-only' });
		await leader.barrier();
		expect(leader.must().phase).toBe('gathering');
		expect(leader.must().participants[supervisor.participantId]!.handRaisedAt).toBeNull();
		// The lobby, the links and the case offers stay the leaders' business.
		expect(supervisor.of('lobby')).toEqual([]);
	});
});

describe("the leaders' channel with a supervisor", () => {
	it('relays to the supervisor and from them, to the leaders only: no member or observer gets a frame of it', async () => {
		const s = await startServer({ LOG_LEVEL: 'debug' });
		const { created, leader, co, members, observer, supervisor, everyone } = await supervised(s);
		const key = await channelKey(leadersKeyOf(created.links.supervisor)!, created.group.id);

		const fromLeader = await sealMessage(key, created.group.id, 'Shall I invite her back now?');
		leader.send({ type: 'leader-message', ciphertext: fromLeader });
		const got = await supervisor.next('leader-message');
		expect(got).toMatchObject({ from: leader.participantId, ciphertext: fromLeader });
		expect(await openMessage(key, created.group.id, got.ciphertext)).toBe('Shall I invite her back now?');
		await co!.next('leader-message', (m) => m.ciphertext === fromLeader);

		const fromSupervisor = await sealMessage(key, created.group.id, 'Wait: the group has not yet thought of the patient.');
		supervisor.send({ type: 'leader-message', ciphertext: fromSupervisor });
		for (const l of [leader, co!]) {
			const heard = await l.next('leader-message', (m) => m.ciphertext === fromSupervisor);
			expect(heard.from).toBe(supervisor.participantId);
		}
		for (const c of everyone) await c.barrier();
		// Not echoed to its sender.
		expect(supervisor.of('leader-message').map((m) => m.ciphertext)).toEqual([fromLeader]);
		for (const c of [...members, observer!]) {
			expect(c.of('leader-message')).toEqual([]);
			expect(everything(c)).not.toContain(fromLeader.slice(0, 40));
			expect(everything(c)).not.toContain(fromSupervisor.slice(0, 40));
		}
		expect(s.log.join('\n')).not.toContain(fromSupervisor.slice(0, 40));
		expect(JSON.stringify(s.app.rooms.get(created.group.id)!.state)).not.toContain(fromSupervisor.slice(0, 40));
	});

	it('a supervisor still waiting in the lobby neither hears the channel nor writes in it', async () => {
		const s = await startServer();
		const { created, leader, co } = await session(s, { members: 0, coLeader: true });
		const supervisor = await s.connect(created.links.supervisor, 'Siri Supervisor');
		const key = await channelKey(leadersKeyOf(created.links.leader)!, created.group.id);
		const sealed = await sealMessage(key, created.group.id, 'not yet');
		leader.send({ type: 'leader-message', ciphertext: sealed });
		await co!.next('leader-message');
		supervisor.send({ type: 'leader-message', ciphertext: sealed });
		await supervisor.barrier();
		await co!.barrier();
		expect(supervisor.of('leader-message')).toEqual([]);
		expect(co!.of('leader-message')).toHaveLength(1);
	});
});
