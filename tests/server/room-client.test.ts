import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../src/lib/session/roles';
import { RoomClient } from '../../src/lib/sync/room-client.svelte';
import { MAX_WAITING } from '../../src/lib/sync/protocol';
import { startNetCut } from '../support/tcp-relay';
import { browserGlobalsFor, cleanup, fragmentOf, startServer, waitFor, type Client, type TestServer } from './harness';
import type { CreatedGroup } from '../../src/lib/sync/api-types';

/**
 * The browser's room client, run in Node 22 against the real server on port 0 with Node's
 * own WebSocket and fetch (only relative URLs are resolved against the test server, as a page
 * would against its origin). What it must hold to: after the end, a removal, a refusal at the
 * door, leaving, or its page going away, nothing that names the group or its people is left
 * in memory; a client destroyed while its ticket is on the way opens no socket; only codes,
 * never the server's English, reach the screen; a click while the connection is down is not
 * lost in silence.
 */
const GROUP_NAME = 'Tuesday Group Oslo';

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
	vi.restoreAllMocks();
	await cleanup();
});

function roomClient(link: string, role: Role): RoomClient {
	const client = new RoomClient(fragmentOf(link).t, { id: created.group.id, name: GROUP_NAME, plannedMinutes: 90 }, role);
	clients.push(client);
	return client;
}

/** A member in the room, with a leader (a harness client) who has put a lot into memory. */
async function admittedMember(): Promise<{ client: RoomClient; leader: Client }> {
	const leader = await s.connect(created.links.leader, 'Anna Andersson');
	const client = roomClient(created.links.member, 'member');
	await client.join('Bo Berg');
	await waitFor(() => leader.last('lobby')?.waiting.length === 1, 'Bo waits');
	leader.send({ type: 'admit', participantId: client.participantId! });
	await waitFor(() => client.status === 'admitted' && Object.keys(client.state?.participants ?? {}).length === 2, 'Bo in the room');
	client.send({ type: 'raise-hand' });
	await waitFor(() => client.state?.participants[client.participantId!]?.handRaisedAt != null, 'hand up');
	expect(client.state?.participants[leader.participantId]?.name).toBe('Anna Andersson');
	expect(client.group.name).toBe(GROUP_NAME);
	return { client, leader };
}

function expectWiped(client: RoomClient, leader?: Client): void {
	expect(client.state).toBeNull();
	expect(client.waiting).toEqual([]);
	expect(client.notices).toEqual([]);
	expect(client.participantId).toBeNull();
	expect(client.group.name).toBe('');
	expect(client.group.id).toBe('');
	// Nothing of the group or its people anywhere in what the client still holds in view.
	const visible = JSON.stringify({ ...client, group: client.group, state: client.state, waiting: client.waiting, notices: client.notices });
	for (const word of [GROUP_NAME, 'Anna', 'Bo Berg', created.group.id, ...(leader ? [leader.participantId] : [])]) expect(visible).not.toContain(word);
}

describe('the end of a session wipes the client', () => {
	const endings: { what: string; status: string; end: (client: RoomClient, leader: Client) => void }[] = [
		{ what: 'a leader ends the session', status: 'ended', end: (_c, leader) => leader.send({ type: 'end-session' }) },
		{ what: 'a leader removes this person', status: 'removed', end: (c, leader) => leader.send({ type: 'remove', participantId: c.participantId! }) },
		{ what: 'the person leaves', status: 'left', end: (c) => c.leave() },
		{ what: 'the page destroys the client', status: 'closed', end: (c) => c.destroy() }
	];

	it.each(endings)('$what: status $status, nothing left that names anyone', async ({ status, end }) => {
		const destroyDoc = vi.spyOn(Y.Doc.prototype, 'destroy');
		const { client, leader } = await admittedMember();
		// The server's room document lives in this process too (and is destroyed when the
		// session ends): only a destroyed document that is neither it nor the harness's counts.
		const serverDoc = s.app.rooms.get(created.group.id)!.doc;
		end(client, leader);
		await waitFor(() => client.status === status, status);
		expectWiped(client, leader);
		const others = destroyDoc.mock.contexts.filter((doc) => doc !== serverDoc && doc !== leader.doc);
		expect(others, "the client's own replica was destroyed").toHaveLength(1);
		// The server saw the socket go: the member is gone or away on the leader's screen.
		if (status !== 'ended')
			await leader.waitState(
				(st) => st.participants[leader.participantId] !== undefined && !Object.values(st.participants).some((p) => p.name === 'Bo Berg' && p.connected)
			);
		// A final status stays final: the page going away afterwards does not change it, and
		// the client never joins again.
		client.destroy();
		expect(client.status).toBe(status);
		await client.join('Bo Berg');
		expect(client.status).toBe(status);
	});

	it('declined at the door: status declined, nothing left', async () => {
		const leader = await s.connect(created.links.leader, 'Anna Andersson');
		const client = roomClient(created.links.member, 'member');
		await client.join('Bo Berg');
		await waitFor(() => leader.last('lobby')?.waiting.length === 1, 'Bo waits');
		leader.send({ type: 'decline', participantId: client.participantId! });
		await waitFor(() => client.status === 'declined', 'declined');
		expectWiped(client, leader);
	});
});

describe('away when the session ended', () => {
	it('a member whose connection was down at the end is told it ended when it returns, not put in a lobby', async () => {
		// The member's network goes through a relay the test can cut.
		const net = await startNetCut(s.base);
		vi.stubGlobal('location', { protocol: 'http:', host: new URL(net.origin).host });
		try {
			const { client, leader } = await admittedMember();
			net.cut('reset');
			await leader.waitState((st) => Object.values(st.participants).some((p) => p.name === 'Bo Berg' && !p.connected));
			expect(client.status).toBe('reconnecting');
			leader.send({ type: 'end-session' });
			await leader.waitClosed();
			net.restore();
			await waitFor(() => client.status === 'ended', 'told the session ended', 10_000);
			expectWiped(client, leader);
			// A new session of the group is not disturbed: a leader opening it is in a fresh one.
			const next = await s.connect(created.links.leader, 'Anna Andersson');
			expect(next.admitted).toBe(true);
		} finally {
			await net.close();
		}
	});
});

describe('destroyed while the ticket is on its way', () => {
	it('opens no socket once the ticket arrives', async () => {
		const client = roomClient(created.links.leader, 'leader');
		const joining = client.join('Anna Andersson');
		client.destroy();
		expect(client.status).toBe('closed');
		await joining;
		expect(client.status).toBe('closed');
		expectWiped(client);
		// The server issued the ticket, but no socket ever used it and no room was opened.
		await new Promise((r) => setTimeout(r, 50));
		expect(s.app.tickets.size).toBe(1);
		expect(s.app.rooms.get(created.group.id)).toBeUndefined();
	});
});

describe('problems reach the screen as codes, never as the server’s English', () => {
	it('a refused link keeps the API code', async () => {
		const client = new RoomClient('not-a-real-token.AAAA', { id: created.group.id, name: GROUP_NAME, plannedMinutes: 90 }, 'member');
		clients.push(client);
		await client.join('Bo Berg');
		expect(client.status).toBe('failed');
		expect(client.problem).toBe('link-invalid');
		expectWiped(client);
	});

	it('a full waiting room is a failure with its own code, not endless reconnecting', async () => {
		const leader = await s.connect(created.links.leader, 'Anna Andersson');
		for (let i = 0; i < MAX_WAITING; i++) await s.connect(created.links.member, `Flood ${i}`);
		await waitFor(() => leader.last('lobby')?.waiting.length === MAX_WAITING, 'a full lobby');
		const client = roomClient(created.links.member, 'member');
		await client.join('Bo Berg');
		await waitFor(() => client.status === 'failed', 'refused');
		expect(client.problem).toBe('lobby-full');
		expectWiped(client, leader);
	});

	it('a refused name keeps the API code', async () => {
		const client = roomClient(created.links.member, 'member');
		await client.join('Bo\u0007Berg');
		expect(client.status).toBe('failed');
		expect(client.problem).toBe('invalid-request');
	});
});

describe('a click while the connection is down', () => {
	it('is not sent, and the person is told so; once back, it goes through', async () => {
		const leader = roomClient(created.links.leader, 'leader');
		await leader.join('Anna Andersson');
		await waitFor(() => leader.status === 'admitted' && leader.state !== null, 'leader in');
		leader.send({ type: 'next-phase' });
		await waitFor(() => leader.state?.phase === 'opening', 'opening');
		expect(leader.refusal).toBeNull();
		// The server goes away: the leader's click is refused on their own screen, not lost.
		await s.close();
		await waitFor(() => leader.status === 'reconnecting', 'reconnecting');
		leader.send({ type: 'next-phase' });
		expect(leader.refusal).toBe('not-connected');
		expect(leader.state?.phase).toBe('opening');
	});
});
