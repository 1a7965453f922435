import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { readState } from '../../src/lib/sync/schema';
import { cleanup, startServer, waitFor as until, type Client, type TestServer } from './harness';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';

/**
 * The app server with video configured, against the LiveKit Twirp fake: tokens over the
 * session socket, what the room asks of the media server, and the webhook.
 */
const KEY = 'APIintegration';
const SECRET = 'integration-secret-long-enough-for-hs256-0123456789';

describe('video through the app server', () => {
	let fake: FakeLiveKit;
	let h: TestServer;

	beforeEach(async () => {
		fake = await startFakeLiveKit(KEY, SECRET);
		h = await startServer({ LIVEKIT_URL: fake.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, LOG_LEVEL: 'info' });
	});

	afterEach(async () => {
		await cleanup();
		await fake.close();
	});

	const post = (path: string, body: unknown) => h.post(path, body);
	const connect = (link: string, name: string) => h.connect(link, name, { settle: false });

	async function group() {
		const { json: body } = await post('/api/groups', { name: 'Media group' });
		const leader = await connect(body.links.leader, 'Lena');
		const member = await connect(body.links.member, 'Mia');
		const observer = await connect(body.links.observer, 'Otto');
		await until(() => leader.messages.some((m) => m.type === 'lobby' && (m.waiting as unknown[]).length === 2), 'lobby');
		leader.send({ type: 'admit', participantId: member.participantId });
		leader.send({ type: 'admit', participantId: observer.participantId });
		await until(() => [member, observer].every((c) => c.messages.some((m) => m.type === 'admitted' && m.media === true)), 'admission');
		return { groupId: body.group.id as string, leader, member, observer };
	}

	/** A webhook as LiveKit signs it: the body's SHA-256 in a JWT made with our secret. */
	async function hook(event: object): Promise<number> {
		const body = JSON.stringify(event);
		const at = new AccessToken(KEY, SECRET);
		at.sha256 = createHash('sha256').update(body).digest('base64');
		const res = await fetch(`${h.base}/api/media/webhook`, {
			method: 'POST',
			headers: { 'content-type': 'application/webhook+json', authorization: await at.toJwt() },
			body
		});
		return res.status;
	}

	/** A browser connects to the media room: LiveKit admits it and reports `participant_joined`. */
	async function joinsMedia(groupId: string, identity: string, room = `balint-${groupId}`): Promise<void> {
		fake.join(room, identity);
		expect(await hook({ event: 'participant_joined', id: `EV_${identity}`, createdAt: '1', room: { name: room }, participant: { identity } })).toBe(200);
	}

	async function tokenOf(client: Client) {
		client.send({ type: 'media-token' });
		await until(() => client.messages.some((m) => m.type === 'media-token'), 'media token');
		const answer = client.messages.find((m) => m.type === 'media-token')!;
		expect(answer.url).toBe(fake.url);
		const claims = await new TokenVerifier(KEY, SECRET).verify(answer.token as string);
		// The app's own lifetime (docs: ten minutes), not a test's input.
		expect((claims.exp as number) - (claims.nbf as number)).toBe(600);
		return claims;
	}

	it('sizes each media room from its group: 16 seats by default, a conference group its members + 2 leaders + 4 observers', async () => {
		const { leader, groupId } = await group();
		await tokenOf(leader);
		const seats = (room: string) => fake.calls.filter((c) => c.method === 'CreateRoom' && c.body.name === room).map((c) => c.body.maxParticipants);
		expect(seats(`balint-${groupId}`)).toEqual([16]);
		const conference = (
			await post('/api/conferences', {
				name: 'C',
				timeZone: 'UTC',
				sessions: [{ start: '2030-01-01T09:00:00Z' }],
				groups: [{ name: 'G' }],
				membersPerGroup: 12
			})
		).json;
		const g = conference.groups[0];
		const confLeader = await connect(g.links.leader, 'Lea');
		await until(() => confLeader.admitted, 'conference leader in');
		await tokenOf(confLeader);
		expect(seats(`balint-${g.id}`)).toEqual([18]);
	});

	it('gives admitted people a token for this room only with no right to publish; once in, the session grants it (observers: nothing)', async () => {
		// Only Date is faked: the clock stands still, so every ask below comes within 2 s of the first.
		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			const { groupId, leader, member, observer } = await group();
			const memberClaims = await tokenOf(member);
			expect(memberClaims.sub).toBe(member.participantId);
			expect(memberClaims.name).toBe('Mia');
			expect(memberClaims.video).toMatchObject({ room: `balint-${groupId}`, roomJoin: true, canSubscribe: true, canPublish: false });
			const observerClaims = await tokenOf(observer);
			expect(observerClaims.video).toMatchObject({ canPublish: false, canSubscribe: true });
			// In the media room, each browser asks for its rights; the session decides them.
			const updates = () => fake.calls.filter((c) => c.method === 'UpdateParticipant');
			member.send({ type: 'media-joined' });
			await until(() => updates().length === 1, 'member granted');
			expect(updates()[0]!.body).toEqual({
				room: `balint-${groupId}`,
				identity: member.participantId,
				permission: { canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] }
			});
			observer.send({ type: 'media-joined' });
			await until(() => updates().length === 2, 'observer answered');
			expect(updates()[1]!.body).toEqual({ room: `balint-${groupId}`, identity: observer.participantId, permission: { canSubscribe: true } });
			// Asking again at once buys no more LiveKit calls: a call queued after the burst for the
			// same room (the leader's mute) arrives with no grant before it.
			for (let i = 0; i < 20; i++) member.send({ type: 'media-joined' });
			leader.send({ type: 'mute', participantId: member.participantId });
			await until(() => fake.calls.some((c) => c.method === 'GetParticipant'), 'the mute reached LiveKit');
			expect(updates()).toHaveLength(2);
			// Seconds later, a real new entry is granted again.
			vi.setSystemTime(Date.now() + 3000);
			member.send({ type: 'media-joined' });
			await until(() => updates().length === 3, 'granted again');
		} finally {
			vi.useRealTimers();
		}
	});

	it('someone who enters video after LiveKit closed the empty room finds it open again', async () => {
		const { groupId, member, observer } = await group();
		await tokenOf(member);
		fake.closeRoom(`balint-${groupId}`);
		await tokenOf(observer);
		expect(fake.rooms.has(`balint-${groupId}`)).toBe(true);
		expect(() => fake.join(`balint-${groupId}`, observer.participantId)).not.toThrow();
	});

	it('a presenter who joins the media room after listening began gets the microphone closed on joining', async () => {
		fake.strict = true;
		const { groupId, leader, member } = await group();
		await tokenOf(member);
		leader.send({ type: 'make-presenter', participantId: member.participantId });
		leader.send({ type: 'set-phase', phase: 'reflection' });
		const updates = () => fake.calls.filter((c) => c.method === 'UpdateParticipant' && c.body.identity === member.participantId);
		// Not yet in the media room: LiveKit answers not_found, and the token in hand still has the microphone.
		await until(() => fake.log.includes(`answer UpdateParticipant balint-${groupId}`), 'first update answered');
		await joinsMedia(groupId, member.participantId);
		await until(() => updates().length === 2, 'permission applied on joining');
		expect(updates()[1]!.body).toEqual({
			room: `balint-${groupId}`,
			identity: member.participantId,
			permission: { canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA'] }
		});
		await until(() => readState(leader.doc)?.participants[member.participantId]?.inMedia === true, 'in media');
		leader.send({ type: 'set-listening', listening: false });
		await until(() => updates().length === 3, 'reopened');
		expect(updates()[2]!.body.permission).toEqual({ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] });
	});

	it('an admitted person joining the media room gets their current permission; a removed person or a stranger is put out at once', async () => {
		fake.strict = true;
		const { groupId, leader, member, observer } = await group();
		await tokenOf(member);
		await tokenOf(observer);
		const callsFor = (identity: string) => fake.calls.filter((c) => c.body.identity === identity).map((c) => c.method);

		await joinsMedia(groupId, observer.participantId);
		await until(() => callsFor(observer.participantId).length === 1, 'observer permission');
		expect(fake.calls.find((c) => c.body.identity === observer.participantId)!.body.permission).toEqual({ canSubscribe: true });
		// The decision is made when the webhook arrives: a removal would have been sent instead.
		expect(callsFor(observer.participantId)).toEqual(['UpdateParticipant']);

		// The leader removes Mia before she reaches video; her token stays valid for minutes, and
		// LiveKit refreshes it while she is in. So the session moves to a new media room: the
		// others are told first, then the old room is deleted and no token for it opens anything.
		const first = `balint-${groupId}`;
		// LiveKit is briefly away when the old room is to be deleted: the deletion is tried again.
		fake.fail('DeleteRoom', 2);
		leader.send({ type: 'remove', participantId: member.participantId });
		await until(() => callsFor(member.participantId).includes('RemoveParticipant'), 'removal on remove');
		await until(() => !fake.rooms.has(first), 'the old room deleted');
		expect(fake.calls.filter((c) => c.method === 'DeleteRoom' && c.body.room === first)).toHaveLength(3);
		for (const c of [leader, observer]) expect(c.messages.filter((m) => m.type === 'media-moved')).toHaveLength(1);
		// A new room with a name no earlier session or restart makes again, and both are told it.
		const moved = (observer.messages.find((m) => m.type === 'media-moved') as { mediaRoom: string }).mediaRoom;
		expect(moved).toMatch(new RegExp(`^${first}\\.[A-Za-z0-9_-]{8}$`));
		expect(leader.messages.find((m) => m.type === 'media-moved')).toEqual({ type: 'media-moved', mediaRoom: moved });
		expect(member.messages.some((m) => m.type === 'media-moved')).toBe(false);
		expect(() => fake.join(first, member.participantId)).toThrow();
		// Whoever is still in the session has left "video" until they are in the new room.
		expect(readState(leader.doc)!.participants[observer.participantId]!.inMedia).toBe(false);
		// A late webhook about the old room changes nothing.
		expect(
			await hook({ event: 'participant_joined', id: 'EV_late', createdAt: '2', room: { name: first }, participant: { identity: member.participantId } })
		).toBe(200);
		expect(
			await hook({ event: 'participant_joined', id: 'EV_late2', createdAt: '2', room: { name: first }, participant: { identity: observer.participantId } })
		).toBe(200);
		expect(readState(leader.doc)!.participants[observer.participantId]!.inMedia).toBe(false);
		observer.messages.length = 0;
		expect((await tokenOf(observer)).video?.room).toBe(moved);
		await joinsMedia(groupId, observer.participantId, moved);
		await until(() => readState(leader.doc)?.participants[observer.participantId]?.inMedia === true, 'observer in the new room');
		expect(callsFor(member.participantId)).not.toContain('UpdateParticipant');

		await joinsMedia(groupId, 'stranger-0001', moved);
		await until(() => callsFor('stranger-0001').includes('RemoveParticipant'), 'stranger removed');
		expect(fake.present.get(moved)?.has('stranger-0001')).toBe(false);
		expect(Object.keys(readState(leader.doc)!.participants)).not.toContain('stranger-0001');
	});

	it('refuses a token to someone still waiting in the lobby', async () => {
		const { json: body } = await post('/api/groups', { name: 'Lobby group' });
		const waiting = await connect(body.links.member, 'Walt');
		await until(() => waiting.messages.some((m) => m.type === 'waiting'), 'waiting');
		waiting.send({ type: 'media-token' });
		await until(() => waiting.messages.some((m) => m.type === 'refused'), 'refusal');
		expect(waiting.messages.find((m) => m.type === 'refused')).toMatchObject({ action: 'media-token', code: 'not-allowed' });
		expect(fake.calls).toHaveLength(0);
	});

	it('a presenter who enters video while listening is granted the camera only', async () => {
		const { groupId, leader, member } = await group();
		leader.send({ type: 'make-presenter', participantId: member.participantId });
		leader.send({ type: 'set-phase', phase: 'reflection' });
		await until(() => readState(member.doc)?.listening === true, 'listening');
		expect((await tokenOf(member)).video).toMatchObject({ canPublish: false });
		const updates = () => fake.calls.filter((c) => c.method === 'UpdateParticipant' && c.body.identity === member.participantId);
		const before = updates().length;
		member.send({ type: 'media-joined' });
		await until(() => updates().length === before + 1, 'granted');
		expect(updates().at(-1)!.body).toEqual({
			room: `balint-${groupId}`,
			identity: member.participantId,
			permission: { canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA'] }
		});
	});

	it('closes and reopens the presenter’s microphone, and the camera too when the group asks', async () => {
		const { groupId, leader, member } = await group();
		leader.send({ type: 'set-camera-rule', cameraOffWhileListening: true });
		leader.send({ type: 'make-presenter', participantId: member.participantId });
		leader.send({ type: 'set-phase', phase: 'reflection' });
		const updates = () => fake.calls.filter((c) => c.method === 'UpdateParticipant');
		await until(() => updates().length === 1, 'update');
		expect(updates()[0]!.body).toEqual({ room: `balint-${groupId}`, identity: member.participantId, permission: { canSubscribe: true } });
		leader.send({ type: 'set-listening', listening: false });
		await until(() => updates().length === 2, 'second update');
		expect(updates()[1]!.body.permission).toEqual({ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] });
	});

	it('removing a person removes them from the media room; a leader may mute a member; the end deletes the room', async () => {
		const { groupId, leader, member, observer } = await group();
		fake.tracks.set(member.participantId, [{ sid: 'TR_mic', source: 'MICROPHONE', muted: false }]);
		leader.send({ type: 'mute', participantId: member.participantId });
		await until(() => fake.calls.some((c) => c.method === 'MutePublishedTrack'), 'mute');
		member.send({ type: 'mute', participantId: observer.participantId });
		await until(() => member.messages.some((m) => m.type === 'refused'), 'member refused');
		leader.send({ type: 'remove', participantId: observer.participantId });
		await until(() => fake.calls.some((c) => c.method === 'RemoveParticipant'), 'remove');
		expect(fake.calls.find((c) => c.method === 'RemoveParticipant')!.body).toEqual({ room: `balint-${groupId}`, identity: observer.participantId });
		leader.send({ type: 'end-session' });
		await until(() => fake.calls.some((c) => c.method === 'DeleteRoom'), 'delete');
		expect(fake.calls.filter((c) => c.method === 'MutePublishedTrack')).toHaveLength(1);
	});

	it('the webhook keeps "in video" in step, stops any recording at once, and refuses a bad signature', async () => {
		const { groupId, leader, member } = await group();
		const signed = async (event: object) => {
			const body = JSON.stringify(event);
			const at = new AccessToken(KEY, SECRET);
			at.sha256 = createHash('sha256').update(body).digest('base64');
			return { body, auth: await at.toJwt() };
		};
		const hook = async (body: string, auth: string) => {
			const res = await fetch(`${h.base}/api/media/webhook`, {
				method: 'POST',
				headers: { 'content-type': 'application/webhook+json', authorization: auth },
				body
			});
			return res.status;
		};
		const joined = await signed({
			event: 'participant_joined',
			id: 'EV_1',
			createdAt: '1',
			room: { name: `balint-${groupId}` },
			participant: { identity: member.participantId }
		});
		expect(await hook(joined.body, joined.auth)).toBe(200);
		await until(() => readState(leader.doc)?.participants[member.participantId]?.inMedia === true, 'in media');

		expect(await hook(joined.body.replace('participant_joined', 'participant_left'), joined.auth)).toBe(401);
		expect(readState(leader.doc)?.participants[member.participantId]?.inMedia).toBe(true);
		// Signed, the same news is believed: the member is out of the video room on every screen.
		const left = await signed({
			event: 'participant_left',
			id: 'EV_3',
			createdAt: '3',
			room: { name: `balint-${groupId}` },
			participant: { identity: member.participantId }
		});
		expect(await hook(left.body, left.auth)).toBe(200);
		for (const c of [leader, member]) await until(() => readState(c.doc)?.participants[member.participantId]?.inMedia === false, 'out of media');

		// A camera track and a microphone's sound are fine; sound declared as the camera is put out.
		const removals = () => fake.calls.filter((c) => c.method === 'RemoveParticipant' && c.body.identity === member.participantId);
		for (const [id, type, source] of [
			['EV_4', 'VIDEO', 'CAMERA'],
			['EV_5', 'AUDIO', 'MICROPHONE'],
			['EV_6', 'AUDIO', 'CAMERA']
		] as const) {
			const published = await signed({
				event: 'track_published',
				id,
				createdAt: '4',
				room: { name: `balint-${groupId}` },
				participant: { identity: member.participantId },
				track: { sid: `TR_${id}`, type, source }
			});
			expect(await hook(published.body, published.auth)).toBe(200);
		}
		await until(() => removals().length === 1, 'the disguised track’s publisher put out');
		leader.send({ type: 'mute', participantId: member.participantId });
		await until(() => fake.calls.some((c) => c.method === 'GetParticipant'), 'a later call arrived');
		expect(removals()).toHaveLength(1);

		const egress = await signed({
			event: 'egress_started',
			id: 'EV_2',
			createdAt: '2',
			egressInfo: { egressId: 'EG_secret_recording', roomName: `balint-${groupId}` }
		});
		expect(await hook(egress.body, egress.auth)).toBe(200);
		await until(() => fake.calls.some((c) => c.method === 'StopEgress'), 'stop egress');
		expect(fake.calls.find((c) => c.method === 'StopEgress')!.body).toEqual({ egressId: 'EG_secret_recording' });
		// An alarm in the log, at error level, for the operator; no name of anyone in it.
		const alarms = h.log.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((l) => l.msg.startsWith('ALARM'));
		expect(alarms).toHaveLength(1);
		expect(alarms[0]!.level).toBe(50);
		for (const secret of ['Lena', 'Mia', 'Otto', 'Media group']) expect(h.log.join('\n')).not.toContain(secret);
	});
});
