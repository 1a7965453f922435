import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomClient } from '../../src/lib/sync/room-client.svelte';
import type { CreatedGroup } from '../../src/lib/sync/api-types';
import type { Role } from '../../src/lib/session/roles';
import { browserGlobalsFor, cleanup, fragmentOf, startServer, tokenOf, waitFor, type TestServer } from './harness';

/**
 * The browser's room client with a leaders' passphrase (issue 15): it sends it with the ticket
 * request, keeps it in memory to come back after the server lost the room (a restart), and
 * stops at a refusal instead of asking again by itself, so the join form can say why. Real
 * server on port 0, Node's own WebSocket and fetch.
 */
const PASSPHRASE = 'Lantern over Öresund';
let s: TestServer;
let created: CreatedGroup;
const clients: RoomClient[] = [];

beforeEach(async () => {
	s = await startServer();
	created = await s.createGroup('Thursday group', { leaderPassphrase: PASSPHRASE });
	browserGlobalsFor(s);
});

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	vi.unstubAllGlobals();
	await cleanup();
});

function roomClient(link: string, role: Role): RoomClient {
	const client = new RoomClient(fragmentOf(link).t, { id: created.group.id, name: created.group.name, plannedMinutes: 90 }, role);
	clients.push(client);
	return client;
}

describe("the room client and the leaders' passphrase", () => {
	it('enters with it, and comes back after the server lost the room (whose fresh room does not know the seat) with the one it holds', async () => {
		const leader = roomClient(created.links.leader, 'leader');
		await leader.join('Lena Leader', undefined, PASSPHRASE);
		await waitFor(() => leader.status === 'admitted', 'the leader in');
		const id = leader.participantId;

		// As a restart: every room gone. Its seat alone would not open the fresh room now.
		s.app.rooms.closeAll();
		await waitFor(() => leader.status === 'admitted' && s.app.rooms.get(created.group.id)?.admits(id!) === true, 'the leader back');
		expect(leader.participantId).toBe(id);
	});

	it('stops at a wrong passphrase, and at spent attempts, with the code for the form; no ticket is left behind', async () => {
		const wrong = roomClient(created.links.coLeader, 'co-leader');
		await wrong.join('Carl Co', undefined, 'Lantern over Oresund');
		await waitFor(() => wrong.status === 'failed', 'refused');
		expect(wrong.problem).toBe('wrong-passphrase');
		expect(s.app.tickets.size).toBe(0);

		// The group's other nine attempts, then the right one: refused, and not asked again.
		for (let i = 0; i < 9; i++) await s.post('/api/tickets', { token: tokenOf(created.links.leader), name: 'Someone', passphrase: `guess number ${i}` });
		const spent = roomClient(created.links.leader, 'leader');
		await spent.join('Lena Leader', undefined, PASSPHRASE);
		await waitFor(() => spent.status === 'failed', 'refused for now');
		expect(spent.problem).toBe('passphrase-rate-limited');
		expect(s.app.rooms.get(created.group.id)).toBeUndefined();
	}, 60_000);

	it('without it, a guarded link is refused as needing it', async () => {
		const bare = roomClient(created.links.leader, 'leader');
		await bare.join('Lena Leader');
		await waitFor(() => bare.status === 'failed', 'refused');
		expect(bare.problem).toBe('passphrase-needed');
	});
});
