import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { linkFragment } from '../../src/lib/sync/link-fragment';
import { linkFactsOf } from '../support/link-tokens';
import { askLink, cleanup, fragmentOf, session, startServer, tokenOf, waitFor, type TestServer } from './harness';

/**
 * Leader links re-issued from the room (issue 15): the leader, co-leader and supervisor links are
 * replaced like a member's, each by a leader who overrules its role, and only by a leader in the
 * room (their seat), so a leader link found in a lost laptop's history replaces nothing itself.
 */

afterEach(cleanup);

const inspectStatus = async (s: TestServer, link: string) => {
	const res = await s.post('/api/links/inspect', { token: tokenOf(link) });
	return res.status === 200 ? 'ok' : `${res.status} ${res.json.error.code}`;
};
const ticketStatus = async (s: TestServer, link: string, name = 'Someone', seat?: string) =>
	(await s.post('/api/tickets', { token: tokenOf(link), name, ...(seat ? { seat } : {}) })).json?.error?.code ?? 'ok';
const refusal = (res: { status: number; json: any }) => [res.status, res.json?.error?.code];

/** The new link as the leader's page completes it: the media key, the leaders' key, the plenary key, from the leader's own link. */
function completed(s: TestServer, leaderLink: string, token: string): string {
	const { k, p } = fragmentOf(leaderLink);
	return `${s.base}/room#${linkFragment(token, k, new URLSearchParams(new URL(leaderLink).hash.slice(1)).get('l'), p)}`;
}

describe('replacing a leader link from the room', () => {
	it('the leader replaces the co-leader link: the old one is refused, the co-leader in the room stays, the new one brings a co-leader in once the leader lets them', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1, coLeader: true });
		const res = await askLink(s, 'replace', a.leader, 'co-leader');
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ role: 'co-leader', expiresAt: a.created.expiresAt, saved: true });
		// Answered without any key: the leaders' key is added by the leader's page, as the media key.
		expect(res.json.link).toBe(`${s.base}/room#t=${res.json.token}`);
		expect(linkFactsOf(res.json.token)).toMatchObject({ g: a.created.group.id, r: 'co-leader', v: 1 });

		expect(await inspectStatus(s, a.created.links.coLeader)).toBe('410 link-replaced');
		expect(await ticketStatus(s, a.created.links.coLeader, 'Mallory')).toBe('link-replaced');
		for (const leader of [a.leader, a.co!]) expect(await leader.next('link-replaced')).toEqual({ type: 'link-replaced', role: 'co-leader' });
		expect(a.members[0]!.of('link-replaced')).toEqual([]);
		// Whoever is in the room with the old link stays (a leader removes an impostor), and their seat still serves them.
		expect(a.co!.closed).toBeNull();
		expect(await ticketStatus(s, a.created.links.coLeader, 'Carl Co', a.co!.seat)).toBe('ok');
		// The other links are untouched.
		for (const still of [a.created.links.leader, a.created.links.member, a.created.links.observer, a.created.links.supervisor])
			expect(await inspectStatus(s, still)).toBe('ok');

		// A co-leader arriving while the leader is in waits for them (second leader, issue 15).
		const fresh = await s.connect(completed(s, a.created.links.leader, res.json.token), 'Cora Co');
		expect(fresh.admitted).toBe(false);
		expect(fresh.answer.role).toBe('co-leader');
		a.leader.send({ type: 'admit', participantId: fresh.participantId });
		await fresh.next('admitted');
		await a.leader.waitState((state) => state.participants[fresh.participantId]?.role === 'co-leader', 'the new co-leader in the roster');
	});

	it('a group with a leaders’ passphrase: the new leader and co-leader links carry its verifier, a new supervisor link does not', async () => {
		const s = await startServer();
		const { links } = await s.createGroup('Guarded', { leaderPassphrase: 'Lantern over Öresund' });
		const verifier = linkFactsOf(tokenOf(links.leader)).h;
		expect(verifier).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(linkFactsOf(tokenOf(links.coLeader)).h).toBe(verifier);
		const leader = await s.connect(links.leader, 'Lena Leader', { passphrase: 'Lantern over Öresund' });
		for (const role of ['co-leader', 'leader', 'supervisor']) {
			const res = await askLink(s, 'replace', leader, role);
			expect(res.status, role).toBe(200);
			expect(linkFactsOf(res.json.token).h, role).toBe(role === 'supervisor' ? undefined : verifier);
		}
		expect(await inspectStatus(s, links.coLeader)).toBe('410 link-replaced');
		expect(await inspectStatus(s, links.supervisor)).toBe('410 link-replaced');
		expect(await inspectStatus(s, links.member)).toBe('ok');
	});

	it('a co-leader cannot replace the leader link (403) and nothing changes; a co-leader link or the supervisor link they can', async () => {
		const s = await startServer();
		const a = await session(s, { members: 0, coLeader: true });
		expect(refusal(await askLink(s, 'replace', a.co!, 'leader'))).toEqual([403, 'not-allowed']);
		expect(await inspectStatus(s, a.created.links.leader)).toBe('ok');
		expect(readdirSync(s.dataDir)).toEqual([]);
		expect(a.leader.of('link-replaced')).toEqual([]);
		for (const role of ['supervisor', 'co-leader']) expect((await askLink(s, 'replace', a.co!, role)).status, role).toBe(200);
		expect(await inspectStatus(s, a.created.links.leader)).toBe('ok');
		expect(await inspectStatus(s, a.created.links.supervisor)).toBe('410 link-replaced');
	});

	it('leader links are never shown again: "current" is for member and observer links only', async () => {
		const s = await startServer();
		const a = await session(s, { members: 0 });
		for (const role of ['leader', 'co-leader', 'supervisor'])
			expect(refusal(await askLink(s, 'current', a.leader, role)), role).toEqual([400, 'invalid-request']);
		expect((await askLink(s, 'current', a.leader, 'member')).status).toBe(200);
	});
});

describe('only a leader in the room', () => {
	it('a leader link alone, or with a seat the running room does not admit (none, forged, another role, another group, someone who never came in) shows and replaces nothing', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1, coLeader: true });
		const other = await session(s, { members: 0 });
		// A ticket taken with the leader link whose socket never opened: a seat, but nobody in the room.
		const never = await s.ticket(a.created.links.leader, 'Mallory');
		const forged = a.leader.seat.slice(0, -2) + (a.leader.seat.endsWith('AA') ? 'BB' : 'AA');
		const token = tokenOf(a.created.links.leader);
		const seats: Record<string, string | undefined> = {
			none: undefined,
			forged,
			'the co-leader’s': a.co!.seat,
			'a member’s': a.members[0]!.seat,
			'another group’s leader’s': other.leader.seat,
			'never in the room': never.seat,
			garbage: 'x'.repeat(5000)
		};
		for (const [what, seat] of Object.entries(seats)) {
			for (const [path, role] of [
				['current', 'member'],
				['replace', 'member'],
				['replace', 'co-leader']
			] as const) {
				const res = await s.post(`/api/links/${path}`, { token, role, ...(seat ? { seat } : {}) });
				expect(refusal(res), `${what} seat, ${path} ${role}`).toEqual(what === 'garbage' ? [400, 'invalid-request'] : [403, 'not-in-room']);
			}
		}
		// The leader's own seat with another group's leader link: the seat is of this group only.
		expect(refusal(await s.post('/api/links/replace', { token: tokenOf(other.created.links.leader), role: 'member', seat: a.leader.seat }))).toEqual([
			403,
			'not-in-room'
		]);
		// Nothing was replaced.
		for (const link of Object.values(a.created.links)) expect(await inspectStatus(s, link)).toBe('ok');
		expect(readdirSync(s.dataDir)).toEqual([]);
		expect(a.leader.of('link-replaced')).toEqual([]);
	});

	it('once the session has ended, the leader’s seat opens nothing either', async () => {
		const s = await startServer();
		const a = await session(s, { members: 0 });
		a.leader.send({ type: 'end-session' });
		await a.leader.waitClosed();
		await waitFor(() => !s.app.rooms.get(a.created.group.id), 'the room is gone');
		expect(refusal(await askLink(s, 'replace', a.leader, 'member'))).toEqual([403, 'not-in-room']);
		expect(refusal(await askLink(s, 'current', a.leader, 'member'))).toEqual([403, 'not-in-room']);
		expect(await inspectStatus(s, a.created.links.member)).toBe('ok');
	});
});

describe('replacing one’s own leader link', () => {
	it('keeps the leader in the room with their seat (old link or new), the new link opens, and once the session has ended the old link opens nothing', async () => {
		const s = await startServer();
		const a = await session(s, { members: 1 });
		const res = await askLink(s, 'replace', a.leader, 'leader');
		expect(res.status).toBe(200);
		const newLink = completed(s, a.created.links.leader, res.json.token);
		expect(await a.leader.next('link-replaced')).toEqual({ type: 'link-replaced', role: 'leader' });
		// Still in the room, still steering.
		expect(a.leader.closed).toBeNull();
		a.leader.send({ type: 'next-phase' });
		await a.members[0]!.waitState((state) => state.phase === 'opening', 'the phase moves on');
		// Without the seat, the old link opens nothing now; with it, the leader comes back as themselves.
		expect(await ticketStatus(s, a.created.links.leader, 'Mallory')).toBe('link-replaced');
		expect(await inspectStatus(s, a.created.links.leader)).toBe('410 link-replaced');
		await a.leader.close();
		const back = await s.connect(newLink, 'ignored', { seat: a.leader.seat });
		expect([back.admitted, back.participantId, back.answer.name]).toEqual([true, a.leader.participantId, 'Lena Leader']);
		// The page asks with the new link from then on (and its seat): it still shows and replaces.
		expect((await askLink(s, 'current', back, 'member')).status).toBe(200);

		back.send({ type: 'end-session' });
		await back.waitClosed();
		await waitFor(() => !s.app.rooms.get(a.created.group.id), 'the room is gone');
		expect(await ticketStatus(s, a.created.links.leader, 'Lena Leader', a.leader.seat)).toBe('link-replaced');
		expect(await inspectStatus(s, a.created.links.leader)).toBe('410 link-replaced');
		const next = await s.connect(newLink, 'Lena Leader');
		expect([next.admitted, next.answer.role]).toEqual([true, 'leader']);
	});
});
