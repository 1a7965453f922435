import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { CloseCode } from '../../src/lib/sync/protocol';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';
import { cleanup, startServer, tick, waitFor, type TestServer } from './harness';
import { closedWith, conference, refusalOf, stateOf } from './plenary-fixture';

/**
 * The plenary's media side against a stand-in for LiveKit's room API (tests/support/fake-livekit.ts),
 * and the plenary beside the conference's group rooms: what they hear of it, and that one
 * plenary's trouble leaves them alone.
 */
const KEY = 'APIplenarykey';
const SECRET = 'plenary-secret-that-is-long-enough-for-hs256-0123456789';

describe('the plenary’s media room', () => {
	let fake: FakeLiveKit;
	let h: TestServer;
	beforeEach(async () => {
		fake = await startFakeLiveKit(KEY, SECRET);
		h = await startServer({ LIVEKIT_URL: fake.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET });
	});
	afterEach(async () => {
		await cleanup();
		await fake.close();
	});

	async function hook(event: object): Promise<void> {
		const body = JSON.stringify(event);
		const at = new AccessToken(KEY, SECRET);
		at.sha256 = createHash('sha256').update(body).digest('base64');
		const res = await fetch(`${h.base}/api/media/webhook`, { method: 'POST', headers: { authorization: await at.toJwt() }, body });
		expect(res.status).toBe(200);
	}

	it('grants tokens for plenary-<id> only, gives listeners no right to publish, and a moderator’s mute reaches the media server', async () => {
		const c = await conference(h);
		await c.open();
		const [alice, lena, olga] = [await c.enter(0, 'member', 'Alice'), await c.enter(1, 'leader', 'Lena'), await c.enter(2, 'observer', 'Olga')];
		expect(alice.messages[0]).toMatchObject({ media: true });
		alice.send({ type: 'media-token' });
		await waitFor(() => alice.messages.some((m) => m.type === 'media'), 'a media grant');
		const grant = alice.messages.find((m) => m.type === 'media');
		if (grant?.type !== 'media') throw new Error('no grant');
		const claims = await new TokenVerifier(KEY, SECRET).verify(grant.grant.token);
		expect(claims.video).toMatchObject({ room: `plenary-${c.id}`, roomJoin: true, canPublish: false, roomAdmin: false });
		expect(fake.rooms.has(`plenary-${c.id}`)).toBe(true);
		expect(fake.calls.find((call) => call.method === 'CreateRoom')!.body).toMatchObject({ maxParticipants: 60 });

		// In the media room: participants may publish, listeners never.
		for (const p of [alice, olga]) {
			fake.join(`plenary-${c.id}`, p.answer.participantId);
			await hook({ event: 'participant_joined', room: { name: `plenary-${c.id}` }, participant: { identity: p.answer.participantId } });
		}
		await stateOf(lena, (s) => s.participants[alice.answer.participantId]!.inMedia && s.participants[olga.answer.participantId]!.inMedia);
		const permissionOf = (id: string) => fake.calls.filter((call) => call.method === 'UpdateParticipant' && call.body.identity === id).at(-1)?.body.permission;
		await waitFor(() => !!permissionOf(alice.answer.participantId) && !!permissionOf(olga.answer.participantId), 'both granted at the media server');
		expect(permissionOf(alice.answer.participantId)).toEqual({ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] });
		expect(permissionOf(olga.answer.participantId)).toEqual({ canSubscribe: true });

		fake.tracks.set(alice.answer.participantId, [{ sid: 'TR_alice_mic', source: 'MICROPHONE', muted: false }]);
		const at = alice.messages.length;
		alice.send({ type: 'mute', participantId: lena.answer.participantId });
		expect(await refusalOf(alice, at)).toBe('not-allowed');
		lena.send({ type: 'mute', participantId: alice.answer.participantId });
		await waitFor(() => fake.calls.some((call) => call.method === 'MutePublishedTrack'), 'the mute at the media server');
		expect(fake.calls.filter((call) => call.method === 'MutePublishedTrack').map((call) => call.body)).toEqual([
			{ room: `plenary-${c.id}`, identity: alice.answer.participantId, trackSid: 'TR_alice_mic', muted: true }
		]);

		// Removed: out of the media room too; someone LiveKit lets in who is not in the plenary is put out.
		lena.send({ type: 'remove', participantId: alice.answer.participantId });
		await waitFor(
			() => fake.calls.some((call) => call.method === 'RemoveParticipant' && call.body.identity === alice.answer.participantId),
			'removed from media'
		);
		await hook({ event: 'participant_joined', room: { name: `plenary-${c.id}` }, participant: { identity: 'stranger-0001' } });
		await waitFor(() => fake.calls.some((call) => call.method === 'RemoveParticipant' && call.body.identity === 'stranger-0001'), 'a stranger put out');

		// The end deletes the media room.
		const organiser = await c.organiser();
		organiser.send({ type: 'end' });
		await waitFor(() => fake.calls.some((call) => call.method === 'DeleteRoom' && call.body.room === `plenary-${c.id}`), 'the media room deleted');
		expect(await closedWith(lena)).toBe(CloseCode.ended);
	});
});

describe('the plenary beside the group rooms', () => {
	let h: TestServer;
	beforeEach(async () => {
		h = await startServer();
	});
	afterEach(cleanup);

	it('every socket of the conference’s group rooms, in the lobby and in the room, hears it open and end; other conferences hear nothing', async () => {
		const c = await conference(h);
		const other = await conference(h, 'Other conference');
		const leader = await h.connect(c.link(0, 'leader'), 'Lena');
		const waiting = await h.connect(c.link(0, 'member'), 'Wanda');
		const elsewhere = await h.connect(other.link(0, 'leader'), 'Otto');
		await c.open('Journal club');
		for (const person of [leader, waiting]) await person.next('plenary', (m) => m.open && m.title === 'Journal club');
		// A socket that connects while it is open hears of it at once, as does one let in from the lobby.
		const late = await h.connect(c.link(1, 'leader'), 'Lars');
		await late.next('plenary', (m) => m.open);
		const before = waiting.of('plenary').length;
		leader.send({ type: 'admit', participantId: waiting.participantId });
		await waiting.next('plenary', (m) => m.open, before);
		c.overview.ws.send(JSON.stringify({ type: 'end-plenary' }));
		for (const person of [leader, waiting, late]) await person.next('plenary', (m) => !m.open && m.title === null);
		await elsewhere.barrier();
		expect(elsewhere.of('plenary')).toEqual([]);
	});

	it('sends each change once to every socket, and nothing for a change that changes nothing: a socket alternating its hand costs one state per change, within its budget', async () => {
		const c = await conference(h);
		await c.open();
		const busy = await c.enter(0, 'member', 'Busy');
		const calm = await c.enter(1, 'member', 'Calm');
		await stateOf(calm, (s) => Object.keys(s.participants).length === 2);
		const count = () => calm.messages.filter((m) => m.type === 'plenary-state').length;
		const before = count();
		// Thirty changes in one burst (within the socket's budget of 40), then a raise that changes nothing.
		for (let i = 0; i < 30; i++) busy.send({ type: i % 2 === 0 ? 'raise-hand' : 'lower-hand' });
		busy.send({ type: 'raise-hand' });
		busy.send({ type: 'raise-hand' });
		await stateOf(calm, (s) => s.participants[busy.answer.participantId]!.handRaisedAt !== null);
		await tick(150);
		expect(count() - before).toBe(31);
		expect(busy.closed).toBeNull();
	});

	it('one plenary’s trouble (a flooding socket, an abrupt end) disturbs no group room', async () => {
		const c = await conference(h);
		await c.open();
		const leader = await h.connect(c.link(0, 'leader'), 'Lena');
		const member = await h.connect(c.link(0, 'member'), 'Mia');
		const flood = await c.enter(0, 'member', 'Flood');
		const calm = await c.enter(1, 'member', 'Calm');
		for (let i = 0; i < 5000 && flood.ws.readyState === flood.ws.OPEN; i++) flood.send({ type: 'raise-hand' });
		expect(await closedWith(flood)).toBe(CloseCode.flooding);
		await tick(50);
		expect(calm.closed).toBeNull();
		calm.send({ type: 'raise-hand' });
		await stateOf(calm, (s) => s.participants[calm.answer.participantId]!.handRaisedAt !== null);
		// The group room goes on as before: admission, the phase, its sockets.
		leader.send({ type: 'admit', participantId: member.participantId });
		await member.next('admitted');
		leader.send({ type: 'next-phase' });
		await member.waitState((s) => s.phase === 'opening');
		c.overview.ws.send(JSON.stringify({ type: 'end-plenary' }));
		expect(await closedWith(calm)).toBe(CloseCode.ended);
		await member.barrier();
		expect([leader.closed, member.closed]).toEqual([null, null]);
		expect(h.app.rooms.get(leader.groupId)?.destroyed).toBe(false);
	});
});
