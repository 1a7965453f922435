import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomClient } from '../../src/lib/sync/room-client.svelte';
import type { HeldSeat, SeatKeeper } from '../../src/lib/sync/tab-seat';
import type { CreatedGroup } from '../../src/lib/sync/api-types';
import type { Role } from '../../src/lib/session/roles';
import { browserGlobalsFor, cleanup, fragmentOf, startServer, waitFor, type TestServer } from './harness';

/**
 * A reload keeps your place: the browser's room client hands its seat to a keeper while the
 * person is in (or waits), a new client given that seat (a reloaded page) is the same person,
 * back without a new admission, and the keeper is emptied whenever the session is over for them.
 * Real server on port 0, Node's own WebSocket and fetch.
 */
const GROUP_NAME = 'Thursday Group Aarhus';
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

/** A keeper in memory, as the tab's would be, recording what it was asked. */
class MemoryKeeper implements SeatKeeper {
	held: HeldSeat | null = null;
	drops = 0;
	hold(seat: HeldSeat): void {
		this.held = seat;
	}
	drop(): void {
		this.held = null;
		this.drops++;
	}
}

function roomClient(link: string, role: Role, keeper: SeatKeeper): RoomClient {
	const client = new RoomClient(fragmentOf(link).t, { id: created.group.id, name: GROUP_NAME, plannedMinutes: 90 }, role, null, keeper);
	clients.push(client);
	return client;
}

describe('a reload keeps your place', () => {
	it('the seat is held while in; a reloaded page with it is the same person, back without admission, name from the seat', async () => {
		const leader = await s.connect(created.links.leader, 'Anna Andersson');
		const keeper = new MemoryKeeper();
		const dana = roomClient(created.links.member, 'member', keeper);
		await dana.join('Dana Dahl');
		await waitFor(() => dana.status === 'waiting', 'Dana waits');
		// Already while waiting: a reload in the lobby does not ask for the form again.
		expect(keeper.held).toMatchObject({ group: created.group.id, role: 'member', name: 'Dana Dahl', sessionId: null });
		leader.send({ type: 'admit', participantId: dana.participantId! });
		await waitFor(() => dana.status === 'admitted' && !!dana.state, 'Dana in');
		const held = keeper.held!;
		expect(held.sessionId).toBe(dana.state!.sessionId);
		const id = dana.participantId;

		// The page reloads: its memory is gone (the old client is never destroyed), the keeper's share is not.
		const again = roomClient(created.links.member, 'member', keeper);
		await again.join(held.name, held);
		await waitFor(() => again.status === 'admitted' && !!again.state, 'Dana back');
		expect(again.participantId).toBe(id);
		expect(again.name).toBe('Dana Dahl');
		await leader.waitState((st) => Object.values(st.participants).filter((p) => p.name === 'Dana Dahl').length === 1 && !!st.participants[id!]?.connected);
	});

	it('the keeper is emptied when the session ends, and a held seat of an ended session says so instead of waiting again', async () => {
		const leader = await s.connect(created.links.leader, 'Anna Andersson');
		const keeper = new MemoryKeeper();
		const dana = roomClient(created.links.member, 'member', keeper);
		await dana.join('Dana Dahl');
		await waitFor(() => dana.status === 'waiting');
		leader.send({ type: 'admit', participantId: dana.participantId! });
		await waitFor(() => dana.status === 'admitted' && !!dana.state);
		const held = keeper.held!;
		const id = dana.participantId!;

		// Away (a page going away, a reload under way) when the leader ends the session. A page
		// that goes away in the app (not a reload) gives up the seat too.
		dana.destroy();
		expect(keeper.held).toBeNull();
		await leader.waitState((st) => st.participants[id]?.connected === false, 'Dana away');
		leader.send({ type: 'end-session' });
		await leader.waitClosed();
		await waitFor(() => s.app.rooms.size === 0, 'room destroyed');
		const tab = new MemoryKeeper();
		tab.hold(held);
		const later = roomClient(created.links.member, 'member', tab);
		await later.join(held.name, held);
		await waitFor(() => later.status === 'ended', 'told it ended');
		expect(tab.held).toBeNull();
	});

	it('the keeper is emptied on leaving and on removal', async () => {
		const leader = await s.connect(created.links.leader, 'Anna Andersson');
		for (const end of ['leave', 'remove'] as const) {
			const keeper = new MemoryKeeper();
			const bo = roomClient(created.links.member, 'member', keeper);
			await bo.join(`Bo ${end}`);
			await waitFor(() => bo.status === 'waiting');
			leader.send({ type: 'admit', participantId: bo.participantId! });
			await waitFor(() => bo.status === 'admitted' && keeper.held !== null);
			if (end === 'leave') bo.leave();
			else leader.send({ type: 'remove', participantId: bo.participantId! });
			await waitFor(() => bo.status === (end === 'leave' ? 'left' : 'removed'), end);
			expect(keeper.held, end).toBeNull();
		}
	});
});
