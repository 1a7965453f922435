import { afterEach, describe, expect, it } from 'vitest';
import { channelKey, sealMessage } from '../../src/lib/sync/leaders-key';
import { CloseCode } from '../../src/lib/sync/protocol';
import { snapshotOf } from '../../src/lib/sync/snapshot';
import { cleanup, startServer, type Client, type TestServer } from './harness';

/**
 * Issue 15, over real sockets: a leader who arrives while a leader who overrules them is in the
 * room waits at the door, announced to the leaders; they hear nothing leaders-only and may do
 * nothing until let in; a co-leader can neither refuse nor remove the leader; the leader removes
 * a co-leader as a member is removed.
 */
afterEach(cleanup);

const leadersKeyOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('l')!;

async function group(s: TestServer) {
	const created = await s.createGroup();
	return { created, room: () => s.app.rooms.get(created.group.id)! };
}

const ids = (c: Client) => Object.keys(c.must().participants).sort();

describe('a second leader at the door', () => {
	it('with the leader in the room a co-leader waits, marked in the leaders’ lobby list; the organiser and the state count only admitted leaders', async () => {
		const s = await startServer();
		const { created, room } = await group(s);
		const lena = await s.connect(created.links.leader, 'Lena Leader');
		expect(lena.admitted).toBe(true);
		const carl = await s.connect(created.links.coLeader, 'Carl Co');
		expect(carl.messages).toEqual([{ type: 'waiting', leaderPresent: true, media: false }]);
		const lobby = await lena.next('lobby', (m) => m.waiting.length === 1);
		expect(lobby.waiting).toEqual([{ participantId: carl.participantId, name: 'Carl Co', role: 'co-leader', new: true }]);
		// Waiting, the co-leader is in no roster and no count: the organiser sees one leader there and one person waiting.
		expect(ids(lena)).toEqual([lena.participantId]);
		expect(room().summary()).toMatchObject({ leaderPresent: true, waiting: 1 });

		lena.send({ type: 'admit', participantId: carl.participantId });
		await carl.next('admitted');
		await lena.waitState((st) => st.participants[carl.participantId]?.role === 'co-leader');
		expect(room().summary()).toMatchObject({ leaderPresent: true, waiting: 0 });
	});

	it('a waiting leader goes in once the leader who held them at the door has left', async () => {
		const s = await startServer();
		const { created } = await group(s);
		const lena = await s.connect(created.links.leader, 'Lena Leader');
		const member = await s.connect(created.links.member, 'Mia');
		const carl = await s.connect(created.links.coLeader, 'Carl Co');
		expect(carl.admitted).toBe(false);
		await lena.close();
		await carl.next('admitted');
		// Now the one leader there, Carl lets the member in.
		await carl.next('lobby', (m) => m.waiting.some((w) => w.participantId === member.participantId));
		carl.send({ type: 'admit', participantId: member.participantId });
		await member.next('admitted');
	});

	it('a waiting leader hears nothing leaders-only, changes nothing and restores nothing until let in; admit-all and decline-new pass them by', async () => {
		const s = await startServer();
		const { created, room } = await group(s);
		const lena = await s.connect(created.links.leader, 'Lena Leader');
		const mia = await s.connect(created.links.member, 'Mia');
		lena.send({ type: 'admit', participantId: mia.participantId });
		await mia.next('admitted');
		const carl = await s.connect(created.links.coLeader, 'Carl Co');
		expect(carl.admitted).toBe(false);

		// What leaders hear meanwhile: a case offer, the leaders' channel, the lobby, an organiser's notice.
		lena.send({ type: 'set-phase', phase: 'case-call' });
		await mia.waitState((st) => st.phase === 'case-call');
		mia.send({ type: 'offer-case', on: true });
		await lena.next('case-offers', (m) => m.offers.length === 1);
		const ciphertext = await sealMessage(await channelKey(leadersKeyOf(created.links.leader), created.group.id), created.group.id, 'Who is Carl?');
		lena.send({ type: 'leader-message', ciphertext });
		const late = await s.connect(created.links.member, 'Late Larry');
		await lena.next('lobby', (m) => m.waiting.length === 2);
		room().notice('Coffee at three');
		await lena.next('notice');

		// What the waiting co-leader asks: refused, each of them, and nothing changes.
		const before = lena.must();
		const asks = [
			{ type: 'next-phase' },
			{ type: 'end-session' },
			{ type: 'admit', participantId: late.participantId },
			{ type: 'decline', participantId: late.participantId },
			{ type: 'remove', participantId: mia.participantId },
			{ type: 'make-presenter', participantId: mia.participantId },
			{ type: 'leader-message', ciphertext },
			{ type: 'restore', snapshot: snapshotOf(before) },
			{ type: 'media-token' }
		];
		for (const ask of asks) carl.send(ask);
		await carl.barrier();
		expect(carl.of('refused').map((m) => [m.action, m.code])).toEqual([...asks.map((a) => [a.type, 'not-allowed']), ['ask-help', 'not-allowed']]);
		await lena.barrier();
		expect(lena.must()).toEqual(before);
		expect(late.closed).toBeNull();
		expect(lena.of('leader-message')).toEqual([]);

		// Everything the waiting socket got: its lobby message and those refusals, no frame of the document.
		expect(new Set(carl.messages.map((m) => m.type))).toEqual(new Set(['waiting', 'refused']));
		expect(carl.frames).toEqual([]);
		expect(JSON.stringify(carl.messages)).not.toContain(ciphertext.slice(0, 40));

		// Sweeping the lobby passes the co-leader by: they are looked at and let in alone.
		lena.send({ type: 'admit-all' });
		await late.next('admitted');
		lena.send({ type: 'decline-new' });
		await lena.barrier();
		expect(carl.closed).toBeNull();
		expect(carl.admitted).toBe(false);
		lena.send({ type: 'admit', participantId: carl.participantId });
		await carl.next('admitted');
		// Let in, they hear what leaders hear.
		await carl.next('lobby');
		await carl.next('case-offers', (m) => m.offers.length === 1);
	});

	it('the leader refuses a waiting co-leader, who is closed as declined; opened again, they are let in', async () => {
		const s = await startServer();
		const { created } = await group(s);
		const lena = await s.connect(created.links.leader, 'Lena Leader');
		const stranger = await s.connect(created.links.coLeader, 'Carl Co');
		lena.send({ type: 'decline', participantId: stranger.participantId });
		expect((await stranger.waitClosed()).code).toBe(CloseCode.declined);
		await lena.next('lobby', (m) => m.waiting.length === 0, 1);
		const carl = await s.connect(created.links.coLeader, 'Carl Co');
		expect(carl.admitted).toBe(false);
		lena.send({ type: 'admit', participantId: carl.participantId });
		await carl.next('admitted');
	});
});

describe('who may refuse and remove whom among leaders', () => {
	it('with a co-leader in the room the leader enters directly, and may remove the co-leader, whose seat then stays out', async () => {
		const s = await startServer();
		const { created } = await group(s);
		const carl = await s.connect(created.links.coLeader, 'Carl Co');
		expect(carl.admitted).toBe(true);
		const mia = await s.connect(created.links.member, 'Mia');
		carl.send({ type: 'admit', participantId: mia.participantId });
		await mia.next('admitted');
		const lena = await s.connect(created.links.leader, 'Lena Leader');
		expect(lena.admitted).toBe(true);
		await mia.waitState((st) => Object.keys(st.participants).length === 3);

		lena.send({ type: 'remove', participantId: carl.participantId });
		expect((await carl.waitClosed()).code).toBe(CloseCode.removed);
		await mia.waitState((st) => !st.participants[carl.participantId]);
		expect(ids(lena)).toEqual([lena.participantId, mia.participantId].sort());
		// Their seat stays out; the leaders' channel no longer reaches them (their socket is gone).
		const back = await s.connect(created.links.coLeader, 'Carl Co', { seat: carl.seat, settle: false });
		expect((await back.waitClosed()).code).toBe(CloseCode.removed);
		lena.send({
			type: 'leader-message',
			ciphertext: await sealMessage(await channelKey(leadersKeyOf(created.links.leader), created.group.id), created.group.id, 'Gone.')
		});
		await lena.barrier();
		expect(carl.of('leader-message')).toEqual([]);
		// The group stays steerable.
		lena.send({ type: 'next-phase' });
		await mia.waitState((st) => st.phase === 'opening');
	});

	it('a co-leader can neither remove nor refuse the leader: a refusal each time, and nothing changes', async () => {
		const s = await startServer();
		const { created } = await group(s);
		const carl = await s.connect(created.links.coLeader, 'Carl Co');
		const lena = await s.connect(created.links.leader, 'Lena Leader');
		await carl.waitState((st) => Object.keys(st.participants).length === 2);
		carl.send({ type: 'remove', participantId: lena.participantId });
		expect(await carl.next('refused', (m) => m.action === 'remove')).toMatchObject({ code: 'cannot-remove-leader' });
		// A second holder of the leader link waits for Lena (who overrules them); Carl may not refuse them.
		const second = await s.connect(created.links.leader, 'Lena Two');
		expect(second.admitted).toBe(false);
		await carl.next('lobby', (m) => m.waiting.some((w) => w.participantId === second.participantId && w.role === 'leader'));
		carl.send({ type: 'decline', participantId: second.participantId });
		expect(await carl.next('refused', (m) => m.action === 'decline')).toMatchObject({ code: 'cannot-refuse-leader' });
		await carl.barrier();
		expect(second.closed).toBeNull();
		expect(lena.closed).toBeNull();
		expect(ids(carl)).toEqual([carl.participantId, lena.participantId].sort());
		// Lena may refuse them; nobody may remove themselves.
		lena.send({ type: 'remove', participantId: lena.participantId });
		expect(await lena.next('refused', (m) => m.action === 'remove')).toMatchObject({ code: 'cannot-remove-leader' });
		lena.send({ type: 'decline', participantId: second.participantId });
		expect((await second.waitClosed()).code).toBe(CloseCode.declined);
	});
});
