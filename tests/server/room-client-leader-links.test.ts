import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomClient } from '../../src/lib/sync/room-client.svelte';
import type { CreatedGroup } from '../../src/lib/sync/api-types';
import { startNetCut } from '../support/tcp-relay';
import { browserGlobalsFor, cleanup, fragmentOf, startServer, waitFor, type TestServer } from './harness';

/**
 * The leader's page replacing its own link (issue 15): it asks with its seat, stays in the room,
 * and takes the next ticket with the new link, held in memory as the old one was. The browser's
 * own RoomClient against a real server on port 0; its socket goes through a relay the test cuts.
 */
let s: TestServer;
let created: CreatedGroup;
const clients: RoomClient[] = [];

beforeEach(async () => {
	s = await startServer();
	created = await s.createGroup('Thursday Group');
	browserGlobalsFor(s);
});

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	vi.unstubAllGlobals();
	await cleanup();
});

/** The tokens of the ticket requests this page makes from now on. */
function ticketTokens(): string[] {
	const tokens: string[] = [];
	const inner = globalThis.fetch;
	vi.stubGlobal('fetch', (input: string | URL, init?: RequestInit) => {
		if (String(input) === '/api/tickets') tokens.push((JSON.parse(String(init?.body)) as { token: string }).token);
		return inner(input, init);
	});
	return tokens;
}

describe("a leader's page replacing its own link", () => {
	it('shows and replaces with its seat, stays in, and comes back after a cut with the new link', async () => {
		const net = await startNetCut(s.base);
		vi.stubGlobal('location', { protocol: 'http:', host: new URL(net.origin).host });
		try {
			const member = await s.connect(created.links.member, 'Bo Berg');
			const { l } = Object.fromEntries(new URLSearchParams(new URL(created.links.leader).hash.slice(1)));
			const leader = new RoomClient(fragmentOf(created.links.leader).t, { id: created.group.id, name: 'Thursday Group', plannedMinutes: 90 }, 'leader', l);
			clients.push(leader);
			await leader.join('Anna Andersson');
			await waitFor(() => leader.status === 'admitted' && leader.state !== null, 'the leader is in');
			expect(leader.leadersKey).toBe(l);
			expect((await leader.roleLink('member', false)).token).toBe(fragmentOf(created.links.member).t);
			leader.send({ type: 'admit', participantId: member.participantId });
			await member.next('admitted');

			const tokens = ticketTokens();
			const replaced = await leader.replaceLink('leader');
			expect(replaced.role).toBe('leader');
			expect(leader.status).toBe('admitted');
			const id = leader.participantId;

			net.cut('reset');
			await waitFor(() => leader.status === 'reconnecting', 'the connection drops');
			net.restore();
			await waitFor(() => leader.status === 'admitted', 'back in', 15_000);
			expect(leader.participantId).toBe(id);
			expect(tokens.length).toBeGreaterThan(0);
			expect(new Set(tokens)).toEqual(new Set([replaced.token]));
			// The old link alone opens nothing now.
			expect((await s.post('/api/tickets', { token: fragmentOf(created.links.leader).t, name: 'Mallory' })).json.error.code).toBe('link-replaced');

			// Replacing another's link leaves this page's own as it is.
			await leader.replaceLink('co-leader');
			expect((await leader.roleLink('observer', false)).role).toBe('observer');
			leader.destroy();
			expect(leader.leadersKey).toBeNull();
		} finally {
			await net.close();
		}
	});
});
