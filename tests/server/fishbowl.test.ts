import { afterEach, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import { Signer } from '../../src/lib/server/links';
import { DEMO_OBSERVERS } from '../../src/lib/session/fishbowl';
import type { Role } from '../../src/lib/session/roles';
import { CloseCode, MAX_WAITING, roomCapacity } from '../../src/lib/sync/protocol';
import type { LinkInfo, RoleLink } from '../../src/lib/sync/api-types';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';
import { askLink, cleanup, LINK_SECRET, startServer, tokenOf, waitFor, type Client, type TestServer } from './harness';

/**
 * The workshop fishbowl through the real server: a demonstration group's links, its room and
 * lobby, where the working group keeps a plain group's bounds and up to 40 observers have
 * places of their own (a plain group's stay as they were), and its media room, where observers
 * have seats and no right to publish.
 */

afterEach(cleanup);

async function inspect(s: TestServer, link: string): Promise<LinkInfo> {
	const res = await s.post('/api/links/inspect', { token: tokenOf(link) });
	expect(res.status).toBe(200);
	return res.json as LinkInfo;
}

describe('a demonstration group', () => {
	it('is made with "demo": true; its links, the leader’s member link from the room and every answer say so; a plain group’s answers do not', async () => {
		const s = await startServer();
		const demo = await s.createGroup('Workshop', { demo: true });
		const plain = await s.createGroup('Thursday group');
		expect(demo.group.demo).toBe(true);
		expect(plain.group).not.toHaveProperty('demo');
		for (const link of Object.values(demo.links)) expect((await inspect(s, link)).group.demo).toBe(true);
		for (const link of Object.values(plain.links)) expect((await inspect(s, link)).group).not.toHaveProperty('demo');
		expect((await s.ticket(demo.links.observer, 'Olga')).group.demo).toBe(true);
		expect((await s.ticket(plain.links.observer, 'Olga')).group).not.toHaveProperty('demo');
		// The member link a leader shows as a QR code to invite observers in is still the demonstration group's.
		const lena = await s.connect(demo.links.leader, 'Lena Leader');
		const shown = (await askLink(s, 'current', lena, 'member')).json as RoleLink;
		expect((await inspect(s, shown.link)).group).toMatchObject({ id: demo.group.id, demo: true });
		expect((await inspect(s, shown.link)).role).toBe('member');
	});

	it('refuses a "demo" that is not true or false, and makes nothing', async () => {
		const s = await startServer();
		const res = await s.post('/api/groups', { name: 'Workshop', demo: 'yes' });
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({ error: { code: 'invalid-request', message: '"demo" is true or false.' } });
	});

	it('its lobby takes the working group and 40 observers at once, "admit all observers" lets in the observers only, and the room holds them all beside the working group', async () => {
		const s = await startServer();
		const created = await s.createGroup('Workshop', { demo: true });
		const leader = await s.connect(created.links.leader, 'Lena Leader');
		const members: Client[] = [];
		for (let i = 0; i < 3; i++) members.push(await s.connect(created.links.member, `Member ${i}`));
		const observers: Client[] = [];
		for (let i = 0; i < DEMO_OBSERVERS; i++) observers.push(await s.connect(created.links.observer, `Watcher ${i}`));
		// More than a plain lobby's bound wait at once, none turned away.
		expect(3 + DEMO_OBSERVERS).toBeGreaterThan(MAX_WAITING);
		await waitFor(() => leader.last('lobby')?.waiting.length === 3 + DEMO_OBSERVERS, 'everyone waiting');
		expect([...members, ...observers].every((c) => c.closed === null)).toBe(true);

		leader.send({ type: 'admit-all', role: 'observer' });
		await waitFor(() => observers.every((c) => c.admitted), 'every observer admitted');
		await waitFor(() => leader.last('lobby')?.waiting.length === 3, 'the members still waiting');
		expect(members.some((c) => c.admitted)).toBe(false);
		leader.send({ type: 'admit-all' });
		await waitFor(() => members.every((c) => c.admitted), 'the members admitted');
		// 44 people: more than a plain room's 40.
		const state = await leader.waitState((st) => Object.keys(st.participants).length === 4 + DEMO_OBSERVERS, 'everyone in the roster');
		expect(Object.values(state.participants).filter((p) => p.role === 'observer')).toHaveLength(DEMO_OBSERVERS);
	});

	it('a plain group’s room stays at 40: the same admission stops there, the rest keep waiting', async () => {
		const s = await startServer();
		const created = await s.createGroup('Thursday group');
		const leader = await s.connect(created.links.leader, 'Lena Leader');
		const observers: Client[] = [];
		for (let i = 0; i < MAX_WAITING; i++) observers.push(await s.connect(created.links.observer, `Watcher ${i}`));
		// The lobby is at its bound: the next is turned away.
		const oneMore = await s.connect(created.links.member, 'One more', { settle: false });
		expect((await oneMore.waitClosed()).code).toBe(4429);
		leader.send({ type: 'admit-all', role: 'observer' });
		await waitFor(() => observers.filter((c) => c.admitted).length === 39, '39 observers beside the leader');
		await waitFor(() => leader.last('lobby')?.waiting.length === 1, 'one still waiting');
	});
});

describe('a demonstration group’s two bounds: 40 watchers, and a working group held as in a plain group', () => {
	/** A group of 8 seats (a room of 12), signed as a conference's groups are: its bound is small enough to reach. */
	async function groupOfEight(s: TestServer, demo: boolean): Promise<Record<Role, string>> {
		const created = await s.createGroup(demo ? 'Workshop' : 'Thursday group', demo ? { demo: true } : {});
		const signer = new Signer(Buffer.from(LINK_SECRET, 'utf8'));
		const facts = { g: created.group.id, n: created.group.name, m: 90, x: Math.floor(Date.now() / 1000) + 3600, s: 8, d: demo || undefined };
		const link = (r: Role) => `${s.base}/room#t=${signer.signLink({ ...facts, r })}`;
		return { leader: link('leader'), 'co-leader': link('co-leader'), member: link('member'), observer: link('observer'), supervisor: link('supervisor') };
	}

	it('the 41st observer is told the watchers are full, waiting or in the room; a 12th member is refused as in a plain group, however few watch', async () => {
		const s = await startServer();
		expect(roomCapacity(8)).toBe(12);
		for (const demo of [true, false]) {
			const links = await groupOfEight(s, demo);
			const leader = await s.connect(links.leader, 'Lena Leader');
			const members: Client[] = [];
			for (let i = 1; i <= 12; i++) members.push(await s.connect(links.member, `Member ${i}`));
			leader.send({ type: 'admit-all' });
			await waitFor(() => members.filter((c) => c.admitted).length === 11, `${demo ? 'demo' : 'plain'}: 11 members beside the leader`);
			await waitFor(() => leader.last('lobby')?.waiting.length === 1, 'the 12th still waiting');
			leader.send({ type: 'admit', participantId: members[11]!.participantId });
			expect((await leader.next('refused')).code).toBe('room-full');
			expect(members[11]!.admitted).toBe(false);
			if (!demo) continue;

			// The working group is full; its watchers have their own 40 places, waiting…
			const observers: Client[] = [];
			for (let i = 1; i <= DEMO_OBSERVERS; i++) observers.push(await s.connect(links.observer, `Watcher ${i}`));
			const early = await s.connect(links.observer, 'Watcher 41', { settle: false });
			expect(await early.waitClosed()).toEqual({ code: CloseCode.watchersFull, reason: 'watchers full' });
			leader.send({ type: 'admit-all', role: 'observer' });
			await waitFor(() => observers.every((c) => c.admitted), 'the 40 observers admitted into a full working group');
			// …and in the room: nobody waiting, the 41st still has no place.
			const late = await s.connect(links.observer, 'Watcher 42', { settle: false });
			expect((await late.waitClosed()).code).toBe(CloseCode.watchersFull);
			const state = await leader.waitState((st) => Object.keys(st.participants).length === 12 + DEMO_OBSERVERS, 'everyone in the roster');
			expect(Object.values(state.participants).filter((p) => p.role === 'observer')).toHaveLength(DEMO_OBSERVERS);
			// One leaves: a place is free again.
			observers[0]!.ws.close();
			await leader.waitState((st) => st.participants[observers[0]!.participantId]?.connected === false, 'the first watcher gone');
			const next = await s.connect(links.observer, 'Watcher 43');
			expect(next.closed).toBeNull();
			expect(next.messages[0]?.type).toBe('waiting');
		}
	});
});

describe("a demonstration group's media room", () => {
	const KEY = 'APIfishbowl';
	const SECRET = 'fishbowl-secret-long-enough-for-hs256-0123456789';
	let fake: FakeLiveKit;

	afterEach(async () => {
		await fake?.close();
	});

	async function tokenFor(client: Client) {
		client.send({ type: 'media-token' });
		await waitFor(() => client.messages.some((m) => m.type === 'media-token'), 'media token');
		const answer = client.messages.find((m) => m.type === 'media-token') as { token: string };
		return new TokenVerifier(KEY, SECRET).verify(answer.token);
	}

	it('has seats for its observers beside the default 16; an observer joins with no right to publish and is granted none; a plain group keeps 16', async () => {
		fake = await startFakeLiveKit(KEY, SECRET);
		const s = await startServer({ LIVEKIT_URL: fake.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET });
		const seats = (room: string) => fake.calls.filter((c) => c.method === 'CreateRoom' && c.body.name === room).map((c) => c.body.maxParticipants);
		for (const demo of [true, false]) {
			const created = await s.createGroup('Workshop', demo ? { demo: true } : {});
			const leader = await s.connect(created.links.leader, 'Lena Leader');
			const observer = await s.connect(created.links.observer, 'Olga Observer');
			leader.send({ type: 'admit', participantId: observer.participantId });
			await observer.next('admitted');
			const claims = await tokenFor(observer);
			expect(claims.video).toMatchObject({ roomJoin: true, canSubscribe: true, canPublish: false, canPublishSources: [] });
			const room = `balint-${created.group.id}`;
			expect(seats(room)).toEqual([demo ? 16 + DEMO_OBSERVERS : 16]);
			// In the media room, the session grants an observer nothing to publish, demonstration or not.
			observer.send({ type: 'media-joined' });
			await waitFor(() => fake.calls.some((c) => c.method === 'UpdateParticipant' && c.body.identity === observer.participantId), 'observer answered');
			const update = fake.calls.find((c) => c.method === 'UpdateParticipant' && c.body.identity === observer.participantId)!;
			expect(update.body).toEqual({ room, identity: observer.participantId, permission: { canSubscribe: true } });
		}
	});
});
