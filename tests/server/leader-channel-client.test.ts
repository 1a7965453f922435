import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Role } from '../../src/lib/session/roles';
import { RoomClient } from '../../src/lib/sync/room-client.svelte';
import type { CreatedGroup } from '../../src/lib/sync/api-types';
import { browserGlobalsFor, cleanup, fragmentOf, startServer, waitFor, type TestServer } from './harness';

/**
 * The browser's end of the case call and the leaders' channel, in Node against the real
 * server: two leaders' RoomClients exchange sealed messages and read them, a member's client
 * has no channel whatever key it is given, the toggle follows the server, and the end wipes
 * every message and the key.
 */
const GROUP_NAME = 'Wednesday Group Lund';
let s: TestServer;
let created: CreatedGroup;
const clients: RoomClient[] = [];

beforeEach(async () => {
	s = await startServer();
	created = await s.createGroup(GROUP_NAME);
	browserGlobalsFor(s);
});

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	vi.unstubAllGlobals();
	await cleanup();
});

function roomClient(link: string, role: Role, leadersKey: string | null): RoomClient {
	const client = new RoomClient(fragmentOf(link).t, { id: created.group.id, name: GROUP_NAME, plannedMinutes: 90 }, role, leadersKey);
	clients.push(client);
	return client;
}

const keyOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('l');

it('two leaders read each other; a member has no channel; the case toggle follows the server; the end wipes it all', async () => {
	const leader = roomClient(created.links.leader, 'leader', keyOf(created.links.leader));
	const co = roomClient(created.links.coLeader, 'co-leader', keyOf(created.links.coLeader));
	// Even handed the leaders' key, a member's client has no channel.
	const member = roomClient(created.links.member, 'member', keyOf(created.links.leader));
	await leader.join('Lena Leader');
	await co.join('Carl Co');
	// Arriving after the leader, the co-leader waits at the door until the leader lets them in (issue 15).
	await waitFor(() => leader.waiting.length === 1 && co.status === 'waiting', 'Carl waits');
	leader.send({ type: 'admit', participantId: co.participantId! });
	await waitFor(() => co.status === 'admitted' && leader.waiting.length === 0, 'Carl in');
	await member.join('Mira Member');
	await waitFor(() => leader.waiting.length === 1, 'Mira waits');
	leader.send({ type: 'admit', participantId: member.participantId! });
	await waitFor(() => member.status === 'admitted' && Object.keys(co.state?.participants ?? {}).length === 3, 'everyone in');
	expect([leader.leaderChannel.available, co.leaderChannel.available, member.leaderChannel.available]).toEqual([true, true, false]);

	expect(await leader.sendLeaderMessage('  Shall we move to return?  ')).toBe(true);
	await waitFor(() => co.leaderChannel.messages.length === 1, 'the co-leader reads it');
	expect(co.leaderChannel.messages[0]).toMatchObject({ from: leader.participantId, name: 'Lena Leader', text: 'Shall we move to return?', mine: false });
	expect(leader.leaderChannel.messages[0]).toMatchObject({ text: 'Shall we move to return?', mine: true });
	expect(await co.sendLeaderMessage('Yes.')).toBe(true);
	await waitFor(() => leader.leaderChannel.messages.length === 2, 'the leader reads the answer');
	expect(leader.leaderChannel.messages.map((m) => m.text)).toEqual(['Shall we move to return?', 'Yes.']);
	// Nothing is sent that is empty or too long.
	expect(await leader.sendLeaderMessage('   ')).toBe(false);
	expect(await leader.sendLeaderMessage('x'.repeat(501))).toBe(false);
	expect(await member.sendLeaderMessage('Hello leaders')).toBe(false);

	// The case call: the member's toggle shows what the server holds, the leaders the list.
	leader.send({ type: 'set-phase', phase: 'case-call' });
	await waitFor(() => member.state?.phase === 'case-call', 'case call');
	member.offerCase(true);
	await waitFor(() => member.myCaseOffer && co.caseOffers.length === 1, 'offered');
	expect(co.caseOffers).toEqual([{ participantId: member.participantId, name: 'Mira Member' }]);
	expect(member.caseOffers).toEqual([]);
	member.offerCase(false);
	await waitFor(() => !member.myCaseOffer && leader.caseOffers.length === 0, 'taken back');

	leader.send({ type: 'end-session' });
	await waitFor(() => co.status === 'ended' && member.status === 'ended', 'ended');
	for (const c of [leader, co]) {
		expect(c.leaderChannel.messages).toEqual([]);
		expect(c.leaderChannel.available).toBe(false);
		expect(c.caseOffers).toEqual([]);
	}
});
