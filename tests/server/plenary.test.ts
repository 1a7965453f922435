import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plenaryMediaKey } from '../../src/lib/media/media-key';
import { CloseCode } from '../../src/lib/sync/protocol';
import { cleanup, fragmentOf, startServer, tokenOf, waitFor, type TestServer } from './harness';
import { plenarySocket, plenaryTicket } from '../support/plenary-person';
import { closedWith, conference, refusalOf, stateOf } from './plenary-fixture';

/** The conference plenary through the real server: real sockets on port 0. */
describe('the conference plenary', () => {
	let h: TestServer;
	beforeEach(async () => {
		h = await startServer();
	});
	afterEach(cleanup);

	it('carries its key as p= in every group link of the conference, derived from the organiser’s secret', async () => {
		const c = await conference(h);
		const key = await plenaryMediaKey(fragmentOf(c.created.organiserLink).k, c.id);
		for (const g of c.created.groups)
			for (const link of Object.values(g.links) as string[]) expect(new URLSearchParams(new URL(link).hash.slice(1)).get('p')).toBe(key);
		// Without the secret the server gives the links with no key at all.
		const bare = await h.post('/api/conferences/links', { token: c.organiserToken });
		expect(bare.json.groups[0].links.member).not.toContain('p=');
	});

	it('lets members of three groups in from their own links, each in their part, and refuses another conference’s', async () => {
		const c = await conference(h);
		const status = (token: string) => h.post('/api/plenary/status', { token });
		expect((await status(tokenOf(c.link(1, 'member')))).json).toEqual({ open: false, title: null, headcount: 0 });
		expect((await plenaryTicket(h.base, tokenOf(c.link(0, 'member')), 'Alice')).json.error.code).toBe('plenary-closed');
		await c.open('Journal club');
		const alice = await c.enter(0, 'member', 'Alice');
		const lena = await c.enter(1, 'leader', 'Lena');
		const olga = await c.enter(2, 'observer', 'Olga');
		const s = await stateOf(olga, (s) => Object.keys(s.participants).length === 3);
		expect(s.title).toBe('Journal club');
		const parts = Object.values(s.participants).map(({ name, role, group, organiser }) => ({ name, role, group, organiser }));
		expect(parts).toEqual([
			{ name: 'Alice', role: 'participant', group: 'Group A', organiser: false },
			{ name: 'Lena', role: 'moderator', group: 'Group B', organiser: false },
			{ name: 'Olga', role: 'listener', group: 'Group C', organiser: false }
		]);
		expect(alice.answer).toMatchObject({ role: 'participant', name: 'Alice', conferenceId: c.id, title: 'Journal club' });
		expect(lena.messages[0]).toMatchObject({ type: 'plenary-state', you: lena.answer.participantId, media: false });
		expect((await status(tokenOf(c.link(2, 'observer')))).json).toEqual({ open: true, title: 'Journal club', headcount: 3 });
		expect((await status(c.organiserToken)).json).toMatchObject({ open: true, headcount: 3 });
		// The organiser enters as the organiser, with the default name the browser translates.
		const organiser = await c.organiser();
		expect(organiser.answer).toMatchObject({ name: 'Organiser', role: 'moderator' });
		await stateOf(alice, (s) => Object.values(s.participants).some((p) => p.organiser && p.group === null));

		// Another conference: its plenary is closed, and its ticket opens no other conference's plenary.
		const other = await conference(h, 'Other conference');
		expect((await plenaryTicket(h.base, tokenOf(other.link(0, 'member')), 'Mallory')).status).toBe(409);
		await other.open('Elsewhere');
		const ticket = (await plenaryTicket(h.base, tokenOf(other.link(0, 'member')), 'Mallory')).json;
		await expect(plenarySocket(h.base, ticket, `/plenary/${c.id}`)).rejects.toThrow('401');
		// A group of no conference has no plenary; a forged link gets the link's refusal.
		const lone = await h.createGroup();
		const refused = await plenaryTicket(h.base, tokenOf(lone.links.member), 'Lone');
		expect([refused.status, refused.json.error.code]).toEqual([403, 'not-in-conference']);
		expect((await h.post('/api/plenary/status', { token: tokenOf(lone.links.member) })).status).toBe(403);
		expect((await h.post('/api/plenary/status', { token: 'x'.repeat(40) })).status).toBe(400);
		expect((await plenaryTicket(h.base, tokenOf(c.link(0, 'member')))).status).toBe(400);
		expect(Object.keys(alice.state()!.participants)).toHaveLength(4);
	});

	it('queues hands in order; a moderator lowers one, a listener raises none', async () => {
		const c = await conference(h);
		await c.open();
		const [alice, bob, lena, olga] = [
			await c.enter(0, 'member', 'Alice'),
			await c.enter(1, 'member', 'Bob'),
			await c.enter(2, 'leader', 'Lena'),
			await c.enter(2, 'observer', 'Olga')
		];
		bob.send({ type: 'raise-hand' });
		await stateOf(lena, (s) => s.participants[bob.answer.participantId]!.handRaisedAt !== null);
		alice.send({ type: 'raise-hand' });
		const s = await stateOf(lena, (s) => s.participants[alice.answer.participantId]!.handRaisedAt !== null);
		expect(s.participants[bob.answer.participantId]!.handRaisedAt!).toBeLessThan(s.participants[alice.answer.participantId]!.handRaisedAt!);
		const before = olga.messages.length;
		olga.send({ type: 'raise-hand' });
		expect(await refusalOf(olga, before)).toBe('not-a-speaker');
		const asked = alice.messages.length;
		alice.send({ type: 'lower-hand', participantId: bob.answer.participantId });
		expect(await refusalOf(alice, asked)).toBe('not-allowed');
		lena.send({ type: 'lower-hand', participantId: bob.answer.participantId });
		const after = await stateOf(alice, (s) => s.participants[bob.answer.participantId]!.handRaisedAt === null);
		expect(after.participants[alice.answer.participantId]!.handRaisedAt).not.toBeNull();
	});

	it('a moderator removes a participant (4403, their seat opens nothing again), never another moderator; pins a speaker for all', async () => {
		const c = await conference(h);
		await c.open();
		const [bob, lena, carl, alice] = [
			await c.enter(0, 'member', 'Bob'),
			await c.enter(1, 'leader', 'Lena'),
			await c.enter(2, 'coLeader', 'Carl'),
			await c.enter(2, 'member', 'Alice')
		];
		lena.send({ type: 'pin', participantId: bob.answer.participantId });
		await stateOf(alice, (s) => s.pinned === bob.answer.participantId);
		let at = lena.messages.length;
		lena.send({ type: 'remove', participantId: carl.answer.participantId });
		expect(await refusalOf(lena, at)).toBe('not-removable');
		at = alice.messages.length;
		alice.send({ type: 'remove', participantId: bob.answer.participantId });
		expect(await refusalOf(alice, at)).toBe('not-allowed');
		lena.send({ type: 'remove', participantId: bob.answer.participantId });
		expect(await closedWith(bob)).toBe(CloseCode.removed);
		const s = await stateOf(alice, (s) => !s.participants[bob.answer.participantId]);
		expect(s.pinned).toBeNull();
		// Back with the seat they were given: refused; the others never see them again.
		const again = await plenaryTicket(h.base, tokenOf(c.link(0, 'member')), 'Bob', bob.answer.seat);
		expect(again.json.participantId).toBe(bob.answer.participantId);
		const back = await plenarySocket(h.base, again.json);
		expect(await closedWith(back)).toBe(CloseCode.removed);
		expect(alice.state()!.participants[bob.answer.participantId]).toBeUndefined();
	});

	it('only the organiser ends it: every socket is told and closed with 4410, and it is forgotten', async () => {
		const c = await conference(h);
		await c.open('Closing plenary');
		const people = [await c.enter(0, 'member', 'Alice'), await c.enter(1, 'leader', 'Lena'), await c.enter(2, 'observer', 'Olga')];
		const organiser = await c.organiser();
		const lena = people[1]!;
		const at = lena.messages.length;
		lena.send({ type: 'end' });
		expect(await refusalOf(lena, at)).toBe('not-allowed');
		organiser.send({ type: 'end' });
		for (const p of [...people, organiser]) {
			expect(await closedWith(p)).toBe(CloseCode.ended);
			expect(p.messages.at(-1)).toEqual({ type: 'ended' });
		}
		await waitFor(() => c.plenaryNews().at(-1)?.open === false, 'the overview hears it ended');
		expect(c.plenaryNews().at(-1)).toEqual({ type: 'plenary', open: false, title: null, headcount: 0 });
		expect(h.app.plenaries.size).toBe(0);
		expect((await h.post('/api/plenary/status', { token: c.organiserToken })).json).toEqual({ open: false, title: null, headcount: 0 });
		expect((await plenaryTicket(h.base, tokenOf(c.link(0, 'member')), 'Alice')).json.error.code).toBe('plenary-closed');
		// The organiser may open it again from the overview, and end it from there too.
		await c.open('Second plenary');
		const bob = await c.enter(0, 'member', 'Bob');
		expect(bob.state()!.participants).toEqual({ [bob.answer.participantId]: expect.objectContaining({ name: 'Bob' }) });
		c.overview.ws.send(JSON.stringify({ type: 'end-plenary' }));
		expect(await closedWith(bob)).toBe(CloseCode.ended);
	});

	it('gives the overview its headcount on connect and on every change, and limits how often it is opened and ended', async () => {
		const c = await conference(h);
		await waitFor(() => c.plenaryNews().length > 0, 'the first plenary message');
		expect(c.plenaryNews()[0]).toEqual({ type: 'plenary', open: false, title: null, headcount: 0 });
		await c.open('Journal club');
		const alice = await c.enter(0, 'member', 'Alice');
		await c.enter(1, 'member', 'Bob');
		await waitFor(() => c.plenaryNews().at(-1)?.headcount === 2, 'headcount 2');
		// A raised hand changes no count: the overview hears nothing of it.
		const told = c.plenaryNews().length;
		alice.send({ type: 'raise-hand' });
		await stateOf(alice, (s) => s.participants[alice.answer.participantId]!.handRaisedAt !== null);
		alice.send({ type: 'leave' });
		expect(await closedWith(alice)).toBe(1000);
		await waitFor(() => c.plenaryNews().at(-1)?.headcount === 1, 'headcount 1');
		expect(c.plenaryNews().length).toBe(told + 1);
		// Six opens and ends a minute per conference; the next is refused with a reason.
		for (let i = 0; i < 6; i++) c.overview.ws.send(JSON.stringify({ type: 'open-plenary', title: `Title ${i}` }));
		await waitFor(() => c.overview.messages.some((m) => m.type === 'refused'), 'a refusal');
		expect(c.overview.messages.find((m) => m.type === 'refused')).toEqual({ type: 'refused', action: 'open-plenary', code: 'rate-limited' });
		// A renamed plenary keeps its people.
		expect(c.plenaryNews().at(-1)).toMatchObject({ open: true, headcount: 1 });
	});

	it('refuses bad frames by closing that socket (4400) and changes nothing for anyone else', async () => {
		const c = await conference(h);
		await c.open();
		const lena = await c.enter(0, 'leader', 'Lena');
		const before = JSON.stringify(lena.state());
		for (const bad of ['not json', '{"type":"end","extra":1}', '{"type":"promote"}', '{"type":"mute","participantId":"<script>"}', '{"type":"pin"}']) {
			const mallory = await c.enter(1, 'member', 'Mallory');
			await stateOf(lena, (s) => !!s.participants[mallory.answer.participantId]);
			mallory.ws.send(bad);
			expect(await closedWith(mallory), bad).toBe(CloseCode.malformed);
		}
		const binary = await c.enter(1, 'member', 'Binary');
		binary.ws.send(Buffer.from([0, 1, 2]), { binary: true });
		expect(await closedWith(binary)).toBe(CloseCode.malformed);
		const huge = await c.enter(1, 'member', 'Huge');
		huge.ws.send('x'.repeat(70 * 1024));
		expect(await closedWith(huge)).toBe(1009);
		// Changes go out gathered (within 50 ms): the last one, Huge gone, then the state as it stands.
		const s = await stateOf(lena, (st) => Object.values(st.participants).every((p) => p.name === 'Lena' || !p.connected));
		expect(s.pinned).toBeNull();
		expect(Object.values(s.participants).every((p) => p.handRaisedAt === null && (p.name === 'Lena' || !p.connected))).toBe(true);
		expect(JSON.parse(before).title).toBe(s.title);
		expect(lena.closed).toBeNull();
	});
});

describe('the places of the plenary', () => {
	afterEach(cleanup);

	it('one link fills only its own group’s share: its leaders, members or observers, never the conference’s 60', async () => {
		const s = await startServer({ RATE_LIMIT_PER_MINUTE: '100000' });
		const c = await conference(s);
		await c.open();
		// Group A's member link, 14 seats (8 members, 2 leaders, 4 observers): 14 come in from it.
		const members = [];
		for (let i = 0; i < 14; i++) members.push(await c.enter(0, 'member', `Member ${i + 1}`));
		const refused = await plenaryTicket(s.base, tokenOf(c.link(0, 'member')), 'One more');
		expect([refused.status, refused.json.error.code]).toEqual([409, 'plenary-full']);
		// Its observer link has six places of its own, and its leaders four.
		for (let i = 0; i < 6; i++) await c.enter(0, 'observer', `Observer ${i + 1}`);
		expect((await plenaryTicket(s.base, tokenOf(c.link(0, 'observer')), 'Seventh')).json.error.code).toBe('plenary-full');
		// Another group's people still come in; one who leaves frees their place.
		const other = await c.enter(1, 'member', 'Bo');
		await stateOf(other, (st) => Object.keys(st.participants).length === 21);
		members[0]!.send({ type: 'leave' });
		await closedWith(members[0]!);
		const share = { key: `${c.created.groups[0].id}/participant`, places: 14 };
		await waitFor(() => s.app.plenaries.get(c.id)?.shareFull(share) === false, 'a place free');
		expect((await plenaryTicket(s.base, tokenOf(c.link(0, 'member')), 'Now in')).status).toBe(200);
	});
});

describe('asking whether the plenary is open', () => {
	afterEach(cleanup);

	it('has an allowance of its own: a venue sharing one address can ask every 30 s and still get its tickets', async () => {
		// RATE_LIMIT_PER_MINUTE 4: the conference and its links take some of the address's tickets.
		const s = await startServer({ RATE_LIMIT_PER_MINUTE: '4' });
		const c = await conference(s);
		const member = tokenOf(c.link(0, 'member'));
		// Ten times the ticket allowance answers; beyond it the same clear 429.
		for (let i = 0; i < 40; i++) expect((await s.post('/api/plenary/status', { token: member })).status, `ask ${i + 1}`).toBe(200);
		expect((await s.post('/api/plenary/status', { token: member })).json.error.code).toBe('rate-limited');
		// The asking spent none of the tickets' allowance.
		expect((await s.post('/api/links/inspect', { token: member })).status).toBe(200);
	});
});
