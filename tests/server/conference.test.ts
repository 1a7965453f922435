import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupMediaKey } from '../../src/lib/media/media-key';
import { CloseCode } from '../../src/lib/sync/protocol';
import { ORGANISER_SOCKET_LIMITS } from '../../src/lib/server/socket-budget';
import { cleanup, fragmentOf, openJsonSocket, startServer, tokenOf, waitFor as until, type TestServer } from './harness';

/** Conferences through the real server: links, the live overview, notices, end-all. */
describe('conferences', () => {
	let h: TestServer;
	beforeEach(async () => {
		h = await startServer();
	});
	afterEach(cleanup);

	const input = {
		name: 'Nordic Balint Days',
		timeZone: 'Europe/Stockholm',
		sessions: [
			{ start: '2027-03-10T09:00:00+01:00', minutes: 90 },
			{ start: '2027-03-11T09:00:00+01:00', minutes: 90 }
		],
		groups: [{ name: 'Group A', leaders: ['Astrid'] }, { name: 'Group B' }, { name: 'Group C' }],
		membersPerGroup: 8
	};

	async function create() {
		const res = await h.post('/api/conferences', input);
		expect(res.status).toBe(201);
		return res.json;
	}

	async function overview(organiserLink: string) {
		const { json: body } = await h.post('/api/conferences/ticket', { token: tokenOf(organiserLink) });
		const { ws, messages } = await openJsonSocket(h, `/overview/${body.conferenceId}?ticket=${body.ticket}`);
		return {
			ws,
			messages,
			latest: (groupId: string) =>
				[...messages]
					.reverse()
					.flatMap((m) => (m.type === 'group' ? [m.group] : m.type === 'overview' ? m.groups : []))
					.find((g: any) => g.groupId === groupId)
		};
	}

	it('creates every group’s five links and one organiser link, and gives them again from the organiser token', async () => {
		const created = await create();
		expect(created.conference).toMatchObject({
			name: 'Nordic Balint Days',
			timeZone: 'Europe/Stockholm',
			sessions: [
				{ start: '2027-03-10T08:00:00.000Z', minutes: 90 },
				{ start: '2027-03-11T08:00:00.000Z', minutes: 90 }
			]
		});
		expect(created.groups).toHaveLength(3);
		expect(created.groups[0].leaders).toEqual(['Astrid']);
		for (const g of created.groups) {
			expect(Object.keys(g.links)).toEqual(['leader', 'coLeader', 'member', 'observer', 'supervisor']);
			const inspected = await h.post('/api/links/inspect', { token: tokenOf(g.links.member) });
			expect(inspected.json).toMatchObject({ group: { id: g.id, name: g.name }, role: 'member' });
		}
		expect(created.organiserLink).toMatch(/\/organiser#t=/);
		// With the media secret (in the organiser link's fragment) the links come back the same.
		const secret = fragmentOf(created.organiserLink).k;
		const again = await h.post('/api/conferences/links', { token: tokenOf(created.organiserLink), mediaSecret: secret });
		expect(again.status).toBe(200);
		expect(again.json.groups).toEqual(created.groups);
	});

	it('holds no media key anywhere: each group’s key is derived from a secret only the organiser link’s fragment carries', async () => {
		const created = await create();
		const secret = fragmentOf(created.organiserLink).k;
		expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
		for (const g of created.groups) {
			const key = await groupMediaKey(secret, g.id);
			for (const link of Object.values(g.links) as string[]) expect(fragmentOf(link).k).toBe(key);
		}
		expect(new Set(await Promise.all(created.groups.map((g: { id: string }) => groupMediaKey(secret, g.id)))).size).toBe(3);
		// The signed organiser token holds no secret and no group key: only ids, names and times.
		const payload = Buffer.from(tokenOf(created.organiserLink).split('.')[0]!, 'base64url').toString('utf8');
		expect(payload).not.toContain(secret);
		for (const g of created.groups) expect(payload).not.toContain(fragmentOf(g.links.member).k);
		// Without the secret the server gives the links again, without any key.
		const bare = await h.post('/api/conferences/links', { token: tokenOf(created.organiserLink) });
		for (const g of bare.json.groups) for (const link of Object.values(g.links) as string[]) expect(new URL(link).hash).not.toContain('k=');
		// A caller's own secret (a registration system) is used as given, and only for that answer.
		const mine = 'm'.repeat(43);
		const own = await h.post('/api/conferences', { ...input, mediaSecret: mine });
		expect(fragmentOf(own.json.organiserLink).k).toBe(mine);
		expect(fragmentOf(own.json.groups[0].links.leader).k).toBe(await groupMediaKey(mine, own.json.groups[0].id));
		expect((await h.post('/api/conferences', { ...input, mediaSecret: 'short' })).status).toBe(400);
	});

	it('links live at least until a month after the last session, however far ahead it is', async () => {
		const late = { ...input, sessions: [{ start: '2030-06-01T09:00:00+02:00', minutes: 120 }] };
		const created = (await h.post('/api/conferences', late)).json;
		expect(Date.parse(created.expiresAt)).toBeGreaterThanOrEqual(Date.parse('2030-06-01T09:00:00+02:00') + (120 * 60 + 30 * 86400) * 1000);
		const inspected = await h.post('/api/links/inspect', { token: tokenOf(created.groups[0].links.member) });
		expect(Date.parse(inspected.json.expiresAt)).toBe(Date.parse(created.expiresAt));
		// A conference soon keeps the installation's usual link lifetime.
		const soon = (await create()).expiresAt;
		expect(Date.parse(soon)).toBeGreaterThan(Date.now() + 170 * 86400 * 1000);
	});

	it('refuses bad input and forged organiser tokens with clear errors', async () => {
		expect((await h.post('/api/conferences', { ...input, timeZone: 'Mars/Olympus' })).status).toBe(400);
		expect((await h.post('/api/conferences', { ...input, sessions: [{ start: 'tomorrow' }] })).status).toBe(400);
		expect((await h.post('/api/conferences', { ...input, groups: [] })).status).toBe(400);
		// Shapes the format check lets through but no date can be made of, and a day that does
		// not exist: each a clear 400, never a 500 or a session moved to another day.
		for (const start of ['2027-03-10T09:00:00+01', '2027-03-10T09:00:00 +01:00', '2027-02-30T09:00:00+01:00', '2027-13-01T09:00:00Z']) {
			const res = await h.post('/api/conferences', { ...input, sessions: [{ start, minutes: 90 }] });
			expect(res.status, start).toBe(400);
			expect(res.json.error.code, start).toBe('invalid-request');
		}
		// A conference too large for its organiser link to be read back is refused, not made.
		const huge = {
			...input,
			groups: Array.from({ length: 100 }, (_, i) => ({ name: `Group ${i} `.padEnd(120, 'x'), leaders: ['L'.repeat(80), 'M'.repeat(80)] }))
		};
		const tooLarge = await h.post('/api/conferences', huge);
		expect(tooLarge.status).toBe(413);
		expect(tooLarge.json.error.code).toBe('too-large');
		const created = await create();
		const token = tokenOf(created.organiserLink);
		const forged = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
		expect((await h.post('/api/conferences/links', { token: forged })).json.error.code).toBe('link-invalid');
		expect((await h.post('/api/conferences/ticket', { token: tokenOf(created.groups[0].links.leader) })).status).toBe(400);
	});

	it('the organiser needs the key when one is configured', async () => {
		await h.close();
		h = await startServer({ ORGANISER_KEY: 'organiser-key-0123456789' });
		expect((await h.post('/api/conferences', input)).status).toBe(401);
		expect((await h.post('/api/conferences', input, { authorization: 'Bearer organiser-key-0123456789' })).status).toBe(201);
	});

	it('the overview follows phases, headcounts, the leader and the help signal, never names', async () => {
		const created = await create();
		const [a, b] = created.groups;
		const before = Date.now();
		const view = await overview(created.organiserLink);
		await until(() => view.messages.some((m) => m.type === 'overview'), 'overview');
		expect(view.messages[0].groups.map((g: any) => [g.groupId, g.live])).toEqual(created.groups.map((g: any) => [g.id, false]));
		// Every update carries the server's clock, so times in session do not depend on the organiser's.
		expect(view.messages[0].now).toBeGreaterThanOrEqual(before);
		expect(view.messages[0].now).toBeLessThanOrEqual(Date.now());

		const leaderA = await h.connect(a.links.leader, 'Astrid Secretname');
		const memberA = await h.connect(a.links.member, 'Mikael Secretname');
		const observerA = await h.connect(a.links.observer, 'Olle Secretname');
		await until(() => view.latest(a.id)?.waiting === 2 && view.latest(a.id)?.leaderPresent === true, 'leader and lobby');
		leaderA.send({ type: 'admit', participantId: memberA.participantId });
		leaderA.send({ type: 'admit', participantId: observerA.participantId });
		await until(() => view.latest(a.id)?.members === 1 && view.latest(a.id)?.observers === 1, 'headcount');
		leaderA.send({ type: 'set-phase', phase: 'reflection' });
		await until(() => view.latest(a.id)?.phase === 'reflection', 'phase');
		expect(view.latest(a.id).startedAt).toEqual(expect.any(Number));
		leaderA.send({ type: 'ask-help', on: true });
		await until(() => view.latest(a.id)?.helpRequested === true, 'help');
		expect(view.latest(b.id).live).toBe(false);
		const everything = JSON.stringify(view.messages);
		expect(everything).not.toMatch(/Secretname|Group A|Nordic/);

		memberA.ws.close();
		await until(() => view.latest(a.id)?.members === 0, 'member left');
	});

	it('an organiser socket that sends 5,000 notices is closed after its share (4420); the leaders got at most that many', async () => {
		const created = await create();
		const leaderA = await h.connect(created.groups[0].links.leader, 'Astrid');
		const view = await overview(created.organiserLink);
		await until(() => view.messages.some((m) => m.type === 'overview'), 'overview');
		const closed = new Promise<number>((r) => view.ws.once('close', (code: number) => r(code)));
		for (let i = 0; i < 5000; i++) view.ws.send(JSON.stringify({ type: 'notice', text: `Notice ${i}` }));
		expect(await closed).toBe(CloseCode.flooding);
		await leaderA.barrier();
		const notices = leaderA.messages.filter((m) => m.type === 'notice').length;
		expect(notices).toBeGreaterThan(0);
		expect(notices).toBeLessThanOrEqual(ORGANISER_SOCKET_LIMITS.burst + 1);
		expect(leaderA.closed).toBeNull();
	});

	it('a notice reaches the leaders of every live group and no one else; end-all ends every group', async () => {
		const created = await create();
		const [a, b] = created.groups;
		const leaderA = await h.connect(a.links.leader, 'Astrid');
		const coLeaderB = await h.connect(b.links.coLeader, 'Bo');
		const memberA = await h.connect(a.links.member, 'Maja');
		await until(() => leaderA.messages.some((m) => m.type === 'lobby' && m.waiting.length === 1), 'lobby');
		leaderA.send({ type: 'admit', participantId: memberA.participantId });
		await until(() => memberA.messages.some((m) => m.type === 'admitted'), 'admitted');

		// A group of another conference and a plain group are not touched.
		const other = (await h.post('/api/conferences', { ...input, name: 'Other' })).json;
		const outsider = await h.connect(other.groups[0].links.leader, 'Ulla');
		const plain = (await h.post('/api/groups', { name: 'Plain' })).json;
		const plainLeader = await h.connect(plain.links.leader, 'Per');

		const view = await overview(created.organiserLink);
		await until(() => view.messages.some((m) => m.type === 'overview'), 'overview');
		view.ws.send(JSON.stringify({ type: 'notice', text: 'Plenary in 10 minutes' }));
		await until(() => view.messages.some((m) => m.type === 'notice-sent'), 'notice sent');
		expect(view.messages.find((m) => m.type === 'notice-sent').groups).toBe(2);
		for (const leader of [leaderA, coLeaderB])
			await until(() => leader.messages.some((m) => m.type === 'notice' && m.text === 'Plenary in 10 minutes'), 'notice');
		for (const c of [memberA, outsider, plainLeader]) expect(c.messages.some((m) => m.type === 'notice')).toBe(false);

		view.ws.send(JSON.stringify({ type: 'end-all' }));
		for (const c of [leaderA, coLeaderB, memberA]) await until(() => c.messages.some((m) => m.type === 'ended'), 'ended');
		await until(() => h.app.rooms.size === 2, 'two rooms left');
		expect(outsider.messages.some((m) => m.type === 'ended')).toBe(false);
		plainLeader.send({ type: 'next-phase' });
		await until(() => h.app.rooms.get(plain.group.id)?.state.phase === 'opening', 'plain group still works');
	});

	it('the overview socket refuses replayed tickets, other conferences and malformed messages', async () => {
		const created = await create();
		const { json: body } = await h.post('/api/conferences/ticket', { token: tokenOf(created.organiserLink) });
		await openJsonSocket(h, `/overview/${body.conferenceId}?ticket=${body.ticket}`);
		await expect(openJsonSocket(h, `/overview/${body.conferenceId}?ticket=${body.ticket}`)).rejects.toThrow(/401/);
		const second = await h.post('/api/conferences/ticket', { token: tokenOf(created.organiserLink) });
		await expect(openJsonSocket(h, `/overview/someotherconference1?ticket=${second.json.ticket}`)).rejects.toThrow(/401/);
		const third = await h.post('/api/conferences/ticket', { token: tokenOf(created.organiserLink) });
		const { ws } = await openJsonSocket(h, `/overview/${body.conferenceId}?ticket=${third.json.ticket}`);
		const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
		ws.send('{"type":"end-everything"}');
		expect(await closed).toBe(4400);
	});
});
