import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreatedGroup, TicketAnswer } from '../../src/lib/sync/api-types';
import { linkFactsOf } from '../support/link-tokens';
import { startServer as startServerProcess, type ServerProcess } from '../support/server-process';
import { filesUnder } from '../support/traces';
import { Client, cleanup, fragmentOf, ServerClient, startServer, tokenOf, waitFor } from './harness';

/**
 * The leaders' passphrase (issue 15): a leader link found in a browser's history opens nothing
 * without it. Its verifier travels in the leader and co-leader links only; the ticket exchange
 * asks for it (unless the seat is in the running room), limits the guesses per group, and the
 * passphrase itself is never written anywhere.
 */

afterEach(cleanup);

const PASSPHRASE = 'Lantern over Öresund';

async function guardedGroup(s: ServerClient, name = 'Thursday group'): Promise<CreatedGroup> {
	return s.createGroup(name, { leaderPassphrase: PASSPHRASE });
}

function ticketRequest(s: ServerClient, link: string, extra: { passphrase?: string; seat?: string } = {}, name = 'Lena Leader') {
	return s.post('/api/tickets', { token: tokenOf(link), name, ...extra });
}

/** Ticket and socket with the passphrase, as the join form sends it. */
async function enter(s: ServerClient, link: string, name: string, extra: { passphrase?: string; seat?: string } = { passphrase: PASSPHRASE }): Promise<Client> {
	const res = await ticketRequest(s, link, extra, name);
	expect(res.status, res.text).toBe(200);
	const client = new Client(s, res.json as TicketAnswer, tokenOf(link));
	await client.opened();
	await client.waitFor((c) => c.messages.length > 0, `${name} settles`);
	return client;
}

describe("a group made with a leaders' passphrase", () => {
	it('carries its verifier in the leader and co-leader links only, answers `passphrase`, and never echoes it', async () => {
		const s = await startServer();
		const res = await s.post('/api/groups', { name: 'Thursday group', leaderPassphrase: PASSPHRASE });
		expect(res.status).toBe(201);
		expect(res.text).not.toContain(PASSPHRASE);
		const created = res.json as CreatedGroup;
		expect(created.passphrase).toBe(true);
		const facts = Object.fromEntries(Object.entries(created.links).map(([role, link]) => [role, linkFactsOf(tokenOf(link))]));
		expect(facts.leader!.h).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(facts.coLeader!.h).toBe(facts.leader!.h);
		for (const role of ['member', 'observer', 'supervisor']) expect(facts[role]!.h, role).toBeUndefined();

		// A group without one: as before, no `h` and no `passphrase`.
		const plain = await s.createGroup('Plain group');
		expect(plain.passphrase).toBeUndefined();
		for (const link of Object.values(plain.links)) expect(linkFactsOf(tokenOf(link)).h).toBeUndefined();

		// Two groups with the same passphrase get different verifiers (salted by the group).
		const twin = await guardedGroup(s, 'Twin group');
		expect(linkFactsOf(tokenOf(twin.links.leader)).h).not.toBe(facts.leader!.h);
	});

	it('refuses a passphrase shorter than 8 or longer than 128 characters with a clear reason, and makes no group', async () => {
		const s = await startServer();
		for (const leaderPassphrase of ['short', '        padded ', 'x'.repeat(129), 42]) {
			const res = await s.post('/api/groups', { name: 'Thursday group', leaderPassphrase });
			expect(res.status, String(leaderPassphrase)).toBe(400);
			expect(res.json.error.code).toBe(typeof leaderPassphrase === 'string' && leaderPassphrase.length <= 1024 ? 'passphrase-invalid' : 'invalid-request');
		}
		expect((await s.post('/api/groups', { name: 'Thursday group', leaderPassphrase: 'short' })).json.error.message).toMatch(/8 to 128 characters/);
	});

	it('says so when a leader or co-leader link is inspected, not for the other links', async () => {
		const s = await startServer();
		const created = await guardedGroup(s);
		const inspect = async (link: string) => (await s.post('/api/links/inspect', { token: tokenOf(link) })).json;
		expect(await inspect(created.links.leader)).toMatchObject({ role: 'leader', passphrase: true });
		expect(await inspect(created.links.coLeader)).toMatchObject({ role: 'co-leader', passphrase: true });
		for (const link of [created.links.member, created.links.observer, created.links.supervisor]) expect((await inspect(link)).passphrase).toBeUndefined();
		expect((await inspect((await s.createGroup('Plain group')).links.leader)).passphrase).toBeUndefined();
	});

	it('gives a member link shown again or replaced by a leader no verifier', async () => {
		const s = await startServer();
		const created = await guardedGroup(s);
		// Asked from the room, as only a leader in it may (group-links.ts): the leader's link and seat.
		const leader = await enter(s, created.links.leader, 'Lena Leader');
		for (const path of ['/api/links/current', '/api/links/replace']) {
			const res = await s.post(path, { token: tokenOf(created.links.leader), role: 'member', seat: leader.seat });
			expect(res.status, path).toBe(200);
			expect(linkFactsOf(res.json.token).h, path).toBeUndefined();
			expect(res.text).not.toContain(linkFactsOf(tokenOf(created.links.leader)).h);
		}
	});
});

describe('entering with a guarded leader link', () => {
	it('without the passphrase: 401, no ticket, and no socket can open; a member link needs none', async () => {
		const s = await startServer();
		const created = await guardedGroup(s);
		for (const link of [created.links.leader, created.links.coLeader]) {
			const res = await ticketRequest(s, link);
			expect(res.status).toBe(401);
			expect(res.json.error.code).toBe('passphrase-needed');
			expect(res.json.ticket).toBeUndefined();
		}
		expect(s.app.tickets.size).toBe(0);
		expect(await s.tryUpgrade(`/sync/${linkFactsOf(tokenOf(created.links.leader)).g}?ticket=`)).toBe(401);
		expect(s.app.rooms.get(linkFactsOf(tokenOf(created.links.leader)).g as string)).toBeUndefined();
		const member = await enter(s, created.links.member, 'Mia Member', {});
		expect(member.answer.role).toBe('member');
	});

	it('with a wrong one: 403, nothing changes; with the right one (any Unicode spelling): in the room', async () => {
		const s = await startServer();
		const created = await guardedGroup(s);
		const wrong = await ticketRequest(s, created.links.leader, { passphrase: 'Lantern over Oresund' });
		expect(wrong.status).toBe(403);
		expect(wrong.json.error.code).toBe('wrong-passphrase');
		expect(s.app.tickets.size).toBe(0);
		expect(s.app.rooms.get(created.group.id)).toBeUndefined();

		const leader = await enter(s, created.links.leader, 'Lena Leader', { passphrase: ` ${PASSPHRASE.normalize('NFD')} ` });
		expect(leader.admitted).toBe(true);
		// With the passphrase too, a co-leader arriving while the leader is in waits to be let in (second leader, issue 15).
		const co = await enter(s, created.links.coLeader, 'Carl Co');
		expect(co.admitted).toBe(false);
		leader.send({ type: 'admit', participantId: co.participantId });
		await co.next('admitted');
		await leader.waitState((st) => Object.values(st.participants).some((p) => p.name === 'Carl Co' && p.role === 'co-leader'), 'the co-leader in the roster');
	});

	it("counts every attempt against the group: the 11th in a quarter of an hour is refused even when right, another group's leader still enters", async () => {
		const s = await startServer();
		const created = await guardedGroup(s);
		const other = await guardedGroup(s, 'Other group');
		for (let i = 1; i <= 10; i++) {
			const res = await ticketRequest(s, i % 2 ? created.links.leader : created.links.coLeader, { passphrase: `wrong guess ${i}` });
			expect(res.status, `attempt ${i}`).toBe(403);
		}
		const eleventh = await ticketRequest(s, created.links.leader, { passphrase: PASSPHRASE });
		expect(eleventh.status).toBe(429);
		expect(eleventh.json.error).toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/quarter of an hour/) });
		// Refused before any slow hash: none is running, and a burst of them is answered at once.
		expect(s.app.tickets.size).toBe(0);
		const burst = await Promise.all(Array.from({ length: 6 }, () => ticketRequest(s, created.links.leader, { passphrase: PASSPHRASE })));
		expect(burst.map((r) => r.status)).toEqual(Array(6).fill(429));

		const elsewhere = await enter(s, other.links.leader, 'Olof Other');
		expect(elsewhere.admitted).toBe(true);
		// The members of the limited group are not affected either.
		expect((await ticketRequest(s, created.links.member, {}, 'Mia Member')).status).toBe(200);
	}, 120_000);

	it('a reload or a dropped network with the seat needs no passphrase while the room runs; once the session ended, the seat alone gets 401', async () => {
		const s = await startServer();
		const created = await guardedGroup(s);
		const leader = await enter(s, created.links.leader, 'Lena Leader');
		const member = await enter(s, created.links.member, 'Mia Member', {});
		leader.send({ type: 'admit', participantId: member.participantId });
		await member.next('admitted');

		// The leader's network drops; the page comes back with its seat only.
		leader.ws.terminate();
		await member.waitState((st) => st.participants[leader.participantId]?.connected === false, 'the leader shown as gone');
		const back = await enter(s, created.links.leader, 'Lena Leader', { seat: leader.seat });
		expect(back.participantId).toBe(leader.participantId);
		expect(back.admitted).toBe(true);

		back.send({ type: 'end-session' });
		await member.next('ended');
		await waitFor(() => s.app.rooms.get(created.group.id) === undefined, 'the room destroyed');
		const afterEnd = await ticketRequest(s, created.links.leader, { seat: leader.seat });
		expect(afterEnd.status).toBe(401);
		expect(afterEnd.json.error.code).toBe('passphrase-needed');
		// A seat of another role or group resumes nothing: the member's seat does not open the leader link.
		expect((await ticketRequest(s, created.links.leader, { seat: member.seat })).status).toBe(401);
	});
});

describe('the passphrase is never written down', () => {
	let server: ServerProcess | null = null;
	let dataDir = '';
	afterEach(async () => {
		await server?.stop();
		server = null;
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	});

	it('is in no output of a real server process and in no file under its DATA_DIR, also after wrong tries and a replaced link', async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'balint-passphrase-'));
		server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
		const s = new ServerClient(server.url);
		const created = await guardedGroup(s);
		const wrong = 'Lantern under Kattegat';
		expect((await ticketRequest(s, created.links.leader, { passphrase: wrong })).status).toBe(403);
		const leader = await enter(s, created.links.leader, 'Lena Leader');
		// Writes the data directory's file of replaced links.
		expect((await s.post('/api/links/replace', { token: tokenOf(created.links.leader), role: 'member', seat: leader.seat })).status).toBe(200);
		leader.send({ type: 'end-session' });
		await leader.waitClosed();

		await server.stop();
		const output = server.output();
		expect(output).toMatch(/ready: open/);
		const secrets = [PASSPHRASE, PASSPHRASE.normalize('NFD'), wrong, fragmentOf(created.links.leader).t];
		for (const secret of secrets) expect(output.includes(secret), `"${secret}" in the server output`).toBe(false);
		const files = filesUnder(dataDir);
		expect(files.length).toBeGreaterThan(0);
		for (const file of files) {
			const text = readFileSync(file, 'latin1') + readFileSync(file, 'utf8');
			for (const secret of secrets) expect(text.includes(secret), `"${secret}" in ${file}`).toBe(false);
		}
	}, 60_000);
});
