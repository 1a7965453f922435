import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { ServerMessageSchema } from '../../src/lib/sync/protocol-schema';
import { cleanup, session, startServer, type Client } from './harness';

/** The server→client schema is the only definition of what the server sends: every message it really sends must match it, exactly. */
afterEach(cleanup);

function mismatches(clients: Client[]): unknown[] {
	return clients.flatMap((c) => c.messages.filter((m) => !v.is(ServerMessageSchema, m)));
}

describe('server messages', () => {
	it('every message of a session, from the lobby to the end, has the shape its schema defines', async () => {
		const s = await startServer();
		const { created, leader, members, everyone } = await session(s, { members: 2, coLeader: true });
		const waiting = await s.connect(created.links.member, 'Wanda Waiting');
		const declined = await s.connect(created.links.observer, 'Otto Observer');
		await leader.waitFor((c) => c.last('lobby')?.waiting.length === 2, 'two waiting');
		leader.send({ type: 'decline', participantId: declined.participantId });
		await declined.waitClosed();
		waiting.send({ type: 'raise-hand' });
		await waiting.next('refused');
		leader.send({ type: 'admit', participantId: 'nobody-00001' });
		await leader.next('refused', (m) => m.action === 'admit');
		members[0]!.send({ type: 'media-token' });
		await members[0]!.next('refused', (m) => m.action === 'media-token');
		leader.send({ type: 'admit', participantId: waiting.participantId });
		await waiting.next('admitted');
		leader.send({ type: 'remove', participantId: members[1]!.participantId });
		await members[1]!.waitClosed();
		leader.send({ type: 'end-session' });
		for (const c of [...everyone, waiting]) if (c !== members[1]) await c.waitClosed();

		const all = [...everyone, waiting, declined];
		const kinds = new Set(all.flatMap((c) => c.messages.map((m) => m.type)));
		expect([...kinds].sort()).toEqual(['admitted', 'ended', 'lobby', 'refused', 'waiting']);
		expect(mismatches(all)).toEqual([]);
	});
});
