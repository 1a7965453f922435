import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GenerationFileError, LinkGenerations } from '../../src/lib/server/link-generations';
import { MAX_LINK_GENERATION } from '../../src/lib/server/links';
import { CloseCode } from '../../src/lib/sync/protocol';
import { linkFragment } from '../../src/lib/sync/link-fragment';
import { askLink, cleanup, fragmentOf, session, startServer, tokenOf, waitFor, type Client, type TestServer } from './harness';
import type { CreatedGroup } from '../../src/lib/sync/api-types';

/**
 * A leader cuts off a leaked member or observer link by replacing it (issue 11): the old link
 * opens nothing from then on, also after a restart, and the state that makes it so holds no
 * group id, no name and nothing of a session.
 */

afterEach(cleanup);

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'balint-replaced-'));
	dirs.push(dir);
	return dir;
}

/** A leader in the room, as their page holds them: the link they opened (its keys) and their connection (its token and seat). */
interface InRoom {
	link: string;
	client: Client;
}
async function enter(s: TestServer, link: string, name = 'Lena Leader'): Promise<InRoom> {
	return { link, client: await s.connect(link, name) };
}
const leaderOf = (a: { created: CreatedGroup; leader: Client }): InRoom => ({ link: a.created.links.leader, client: a.leader });

/** Replaces a link as a leader in the room; the new link is made as the leader's browser makes it. */
async function replace(s: TestServer, by: InRoom, role: string, path: 'replace' | 'current' = 'replace') {
	const res = await askLink(s, path, by.client, role);
	// As the leader's page makes it: with the media key, and in a conference group the plenary's.
	const { k, p } = fragmentOf(by.link);
	const link = res.status === 200 ? `${s.base}/room#${linkFragment(res.json.token, k, null, p)}` : '';
	return { res, link };
}
const show = (s: TestServer, by: InRoom, role: string) => replace(s, by, role, 'current');

const inspect = async (s: TestServer, link: string) => (await s.post('/api/links/inspect', { token: tokenOf(link) })).json;
const ticketStatus = async (s: TestServer, link: string, name = 'Someone', seat?: string) =>
	(await s.post('/api/tickets', { token: tokenOf(link), name, ...(seat ? { seat } : {}) })).json?.error?.code ?? 'ok';

describe('replacing a link', () => {
	it('the old member link is refused with a clear reason, the new one opens; the other links and another group are untouched', async () => {
		const s = await startServer();
		const created = await s.createGroup('Thursday group');
		const other = await s.createGroup('Other group');
		const lena = await enter(s, created.links.leader);
		const carl = await enter(s, created.links.coLeader, 'Carl Co');
		// A co-leader arriving while the leader is in waits for them (second leader, issue 15).
		lena.client.send({ type: 'admit', participantId: carl.client.participantId });
		await carl.client.next('admitted');
		const { res, link } = await replace(s, lena, 'member');
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ role: 'member', expiresAt: created.expiresAt, saved: true });
		// The link comes without the media key, which only the leader's page has and adds.
		expect(res.json.link).toBe(`${s.base}/room#t=${res.json.token}`);
		expect(link).not.toBe(created.links.member);

		const old = await s.post('/api/links/inspect', { token: tokenOf(created.links.member) });
		expect(old.status).toBe(410);
		expect(old.json.error.code).toBe('link-replaced');
		expect(await ticketStatus(s, created.links.member)).toBe('link-replaced');
		expect(await inspect(s, link)).toMatchObject({ group: { id: created.group.id, name: 'Thursday group' }, role: 'member' });
		expect(await ticketStatus(s, link)).toBe('ok');
		for (const still of [created.links.leader, created.links.coLeader, created.links.observer, other.links.member])
			expect(await ticketStatus(s, still)).toBe('ok');

		// Any leader can show the current link again (the co-leader, a leader who reloaded).
		expect((await show(s, carl, 'member')).link).toBe(link);
		expect((await show(s, lena, 'observer')).link).toBe(created.links.observer);
		// Replaced again: the first replacement is refused too, the newest opens.
		const second = await replace(s, carl, 'member');
		expect(second.res.status).toBe(200);
		expect(await ticketStatus(s, link)).toBe('link-replaced');
		expect(await ticketStatus(s, second.link)).toBe('ok');
	});

	it('only a leader in the room with their link, only links there are, and bad input changes nothing', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1, observer: true, coLeader: true });
		const created = a.created;
		const asMember = await askLink(s, 'replace', a.members[0]!, 'observer');
		expect([asMember.status, asMember.json.error.code]).toEqual([403, 'not-allowed']);
		const showAsObserver = await askLink(s, 'current', a.observer!, 'member');
		expect([showAsObserver.status, showAsObserver.json.error.code]).toEqual([403, 'not-allowed']);
		const noSuchRole = await askLink(s, 'replace', a.leader, 'organiser');
		expect([noSuchRole.status, noSuchRole.json.error.code]).toEqual([400, 'invalid-request']);
		const forged = await s.post('/api/links/replace', { token: tokenOf(created.links.leader).slice(0, -2) + 'AA', role: 'member', seat: a.leader.seat });
		expect(forged.json.error.code).toBe('link-invalid');
		const noBody = await s.request('POST', '/api/links/replace', 'not json', { 'content-type': 'application/json' });
		expect(noBody.status).toBe(400);
		// None of these replaced anything.
		expect(await ticketStatus(s, created.links.member)).toBe('ok');
		expect(await ticketStatus(s, created.links.observer)).toBe('ok');
		expect(readdirSync(s.dataDir)).toEqual([]);
		expect((await replace(s, { link: created.links.coLeader, client: a.co! }, 'observer')).res.status).toBe(200);
	});

	it('a flooded lobby: the copies waiting with the old link are sent away at once (4411), the leaders are told, and the real member comes in with the new link; the copies cannot come back', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1, coLeader: true });
		const copies: Client[] = [];
		for (let i = 0; i < 30; i++) copies.push(await s.connect(a.created.links.member, 'Anna Berg'));
		const observer = await s.connect(a.created.links.observer, 'Olga Observer');
		await a.leader.next('lobby', (m) => m.waiting.length === 31);

		const lobbies = a.leader.of('lobby').length;
		const { link } = await replace(s, leaderOf(a), 'member');
		for (const c of copies) expect((await c.waitClosed()).code).toBe(CloseCode.linkReplaced);
		// The observer, who came with another link, still waits; the member let in before stays in.
		const after = await a.leader.next('lobby', (m) => m.waiting.length === 1, lobbies);
		expect(after.waiting[0]).toMatchObject({ participantId: observer.participantId });
		expect(observer.closed).toBeNull();
		expect(a.members[0]!.closed).toBeNull();
		for (const leader of [a.leader, a.co!]) expect(await leader.next('link-replaced')).toEqual({ type: 'link-replaced', role: 'member' });
		expect(a.members[0]!.of('link-replaced')).toEqual([]);

		expect(await ticketStatus(s, a.created.links.member, 'Anna Berg')).toBe('link-replaced');
		const anna = await s.connect(link, 'Anna Berg');
		const lobby = await a.leader.next('lobby', (m) => m.waiting.some((p) => p.participantId === anna.participantId));
		expect(lobby.waiting.map((p) => p.name).sort()).toEqual(['Anna Berg', 'Olga Observer']);
		a.leader.send({ type: 'admit', participantId: anna.participantId });
		await anna.next('admitted');
	});

	it('someone let in with the old link keeps their place: their connection drops and they come back; a removed one does not, nor anyone with the old link after the session', async () => {
		const s = await startServer();
		const a = await session(s, { members: 2 });
		const [stays, removed] = a.members as [Client, Client];
		await replace(s, leaderOf(a), 'member');
		await stays.close();
		const back = await s.connect(a.created.links.member, 'Member 1', { seat: stays.seat });
		expect(back.admitted).toBe(true);

		a.leader.send({ type: 'remove', participantId: removed.participantId });
		await removed.waitClosed();
		expect(await ticketStatus(s, a.created.links.member, 'Member 2', removed.seat)).toBe('link-replaced');
		// A seat of this group's leader does not open the old member link (seats are per role).
		expect(await ticketStatus(s, a.created.links.member, 'Lena Leader', a.leader.seat)).toBe('link-replaced');

		a.leader.send({ type: 'end-session' });
		await back.waitClosed();
		await waitFor(() => !s.app.rooms.get(a.created.group.id), 'the room is gone');
		expect(await ticketStatus(s, a.created.links.member, 'Member 1', stays.seat)).toBe('link-replaced');
	});

	it('a ticket taken with the old link a moment before it was replaced opens no socket', async () => {
		const s = await startServer();
		const a = await session(s, { members: 0 });
		const early = await s.ticket(a.created.links.member, 'Early Bird');
		await replace(s, leaderOf(a), 'member');
		const closed = await new Promise<number>((resolve) => {
			const ws = new WebSocket(`${s.wsBase}/sync/${early.group.id}?ticket=${encodeURIComponent(early.ticket)}`);
			ws.on('close', (code) => resolve(code));
			ws.on('error', () => undefined);
		});
		expect(closed).toBe(CloseCode.linkReplaced);
		await a.leader.barrier();
		expect(a.leader.of('lobby').at(-1)?.waiting).toEqual([]);
	});

	it('survives a restart: the old link stays refused and the new one opens; the file names no group and no person, and is readable by the server alone', async () => {
		const dataDir = tempDir();
		let s = await startServer({ DATA_DIR: dataDir });
		const created: CreatedGroup = await s.createGroup('Secret name of a group');
		const { link } = await replace(s, await enter(s, created.links.leader), 'observer');
		await s.close();
		s = await startServer({ DATA_DIR: dataDir });
		expect(await ticketStatus(s, created.links.observer)).toBe('link-replaced');
		expect(await ticketStatus(s, link)).toBe('ok');
		expect(await ticketStatus(s, created.links.member)).toBe('ok');

		expect(readdirSync(dataDir)).toEqual(['replaced-links.json']);
		const file = join(dataDir, 'replaced-links.json');
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const text = readFileSync(file, 'utf8');
		for (const secret of [created.group.id, 'Secret name of a group', 'observer', 'Lena']) expect(text).not.toContain(secret);
		// Kept to the end of the day the links expire: the file does not give a link's exact expiry.
		const entries = Object.entries(JSON.parse(text).entries);
		const endOfDay = Math.ceil(Date.parse(created.expiresAt) / 1000 / 86400) * 86400;
		expect(entries).toEqual([[expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), [1, endOfDay]]]);
		expect(readdirSync(dataDir)).toEqual(['replaced-links.json']);
	});

	it('a replacement the server cannot write down is in force all the same: the copies are sent away, and the leader is told it would not survive a restart', async () => {
		const s = await startServer({ LOG_LEVEL: 'error' });
		// The data directory turns into a file under the running server: nothing can be written there.
		rmSync(s.dataDir, { recursive: true });
		writeFileSync(s.dataDir, '');
		const a = await session(s, { members: 0 });
		const copy = await s.connect(a.created.links.member, 'Anna Berg');
		const { res, link } = await replace(s, leaderOf(a), 'member');
		expect(res.status).toBe(200);
		expect(res.json.saved).toBe(false);
		expect((await copy.waitClosed()).code).toBe(CloseCode.linkReplaced);
		expect(await ticketStatus(s, a.created.links.member)).toBe('link-replaced');
		expect(await ticketStatus(s, link)).toBe('ok');
		expect(s.log.join('\n')).toContain('the file of replaced links cannot be written');
		expect(s.log.join('\n')).not.toContain(a.created.group.id);
	});

	it('tickets taken with the old link before it was replaced leave the new link its own share', async () => {
		const s = await startServer();
		const created = await s.createGroup();
		let busy = 0;
		for (let i = 0; i < 210; i++) if ((await ticketStatus(s, created.links.member)) === 'busy') busy++;
		expect(busy).toBe(10);
		const { link } = await replace(s, await enter(s, created.links.leader), 'member');
		expect(await ticketStatus(s, link, 'Anna Berg')).toBe('ok');
	});

	it('a conference organiser’s links follow a replacement: the hand-out gives the new member link', async () => {
		const s = await startServer();
		const conference = (
			await s.post('/api/conferences', {
				name: 'Days',
				timeZone: 'Europe/Berlin',
				sessions: [{ start: '2027-03-10T09:00:00+01:00', minutes: 90 }],
				groups: [{ name: 'Group A' }],
				membersPerGroup: 8
			})
		).json;
		const group = conference.groups[0];
		const { link } = await replace(s, await enter(s, group.links.leader), 'member');
		const again = (await s.post('/api/conferences/links', { token: tokenOf(conference.organiserLink), mediaSecret: fragmentOf(conference.organiserLink).k }))
			.json;
		expect(again.groups[0].links.member).toBe(link);
		expect(again.groups[0].links.observer).toBe(group.links.observer);
		expect(await ticketStatus(s, group.links.member)).toBe('link-replaced');
	});

	it('a group’s links can be replaced 20 times an hour; the next is refused (429) and changes nothing, and another group replaces on', async () => {
		const s = await startServer();
		const created = await s.createGroup();
		const lena = await enter(s, created.links.leader);
		let last = '';
		for (let i = 0; i < 20; i++) last = (await replace(s, lena, i % 2 ? 'member' : 'observer')).link;
		const refused = await replace(s, lena, 'member');
		expect([refused.res.status, refused.res.json.error.code]).toEqual([429, 'rate-limited']);
		expect(await ticketStatus(s, last)).toBe('ok');
		const other = await s.createGroup('Other group');
		expect((await replace(s, await enter(s, other.links.leader), 'member')).res.status).toBe(200);
	});
});

describe('LinkGenerations', () => {
	const secret = Buffer.from('s'.repeat(40));
	const day = 86400;

	it('counts generations per group and role, forgets them when the links expire, and refuses more when full', async () => {
		let now = 1_000_000_000_000;
		const store = new LinkGenerations({ file: null, secret, now: () => now, max: 2 });
		const until = now / 1000 + day;
		const raise = (groupId: string, role: 'member' | 'observer', to = until) => store.raise(groupId, role, to)?.generation ?? null;
		expect(store.current('group-0001', 'member')).toBe(0);
		expect(raise('group-0001', 'member')).toBe(1);
		expect(raise('group-0001', 'member')).toBe(2);
		expect([store.refused('group-0001', 'member', 1), store.refused('group-0001', 'member', 2), store.refused('group-0001', 'member')]).toEqual([
			true,
			false,
			true
		]);
		expect(store.refused('group-0001', 'observer')).toBe(false);
		expect(raise('group-0001', 'observer')).toBe(1);
		expect(raise('group-0002', 'member')).toBeNull();
		// Kept to the end of the day the links expire, then forgotten.
		now = (Math.ceil(until / day) * day + 1) * 1000;
		expect(store.current('group-0001', 'member')).toBe(0);
		expect(raise('group-0002', 'member', now / 1000 + day)).toBe(1);
		expect(store.size).toBe(1);
	});

	it('gives out no generation a link may not carry', async () => {
		const file = join(tempDir(), 'replaced-links.json');
		const until = Math.floor(Date.now() / 1000) + day;
		// A file at the last generation (years of replacements): the next is refused, not made unopenable.
		const key = createHmac('sha256', secret).update('link-generation\0group-0001\0member').digest('base64url').slice(0, 22);
		writeFileSync(file, JSON.stringify({ version: 1, entries: { [key]: [MAX_LINK_GENERATION, until] } }));
		const store = new LinkGenerations({ file, secret });
		expect(store.current('group-0001', 'member')).toBe(MAX_LINK_GENERATION);
		expect(store.raise('group-0001', 'member', until)).toBeNull();
		const observer = store.raise('group-0001', 'observer', until)!;
		expect(observer.generation).toBe(1);
		await observer.saved;
	});

	it('writes every change, one write at a time, and a new store reads them back', async () => {
		const file = join(tempDir(), 'nested', 'replaced-links.json');
		const store = new LinkGenerations({ file, secret });
		const until = Math.floor(Date.now() / 1000) + day;
		const raised = Array.from({ length: 10 }, (_, i) => store.raise(`group-000${i}`, 'member', until)!);
		await Promise.all(raised.map((r) => r.saved));
		expect(raised.map((r) => r.generation)).toEqual(Array(10).fill(1));
		expect(readdirSync(join(file, '..'))).toEqual(['replaced-links.json']);
		const again = new LinkGenerations({ file, secret });
		for (let i = 0; i < 10; i++) expect(again.current(`group-000${i}`, 'member')).toBe(1);
		// Another signing key reads other keys: nothing of this installation applies there.
		expect(new LinkGenerations({ file, secret: Buffer.from('t'.repeat(40)) }).current('group-0000', 'member')).toBe(0);
	});

	it('a damaged file stops start-up with a message that names it, and is left as it was', () => {
		const file = join(tempDir(), 'replaced-links.json');
		writeFileSync(file, '{"version":1,"entries":{"x":[1,2]}}');
		expect(() => new LinkGenerations({ file, secret })).toThrow(GenerationFileError);
		expect(() => new LinkGenerations({ file, secret })).toThrow(file);
		expect(readFileSync(file, 'utf8')).toBe('{"version":1,"entries":{"x":[1,2]}}');
	});
});
