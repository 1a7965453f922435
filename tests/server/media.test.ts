import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { createHash } from 'node:crypto';
import { MediaService, mediaRoomName, parseMediaRoomName } from '../../src/lib/server/media';
import { createLogger } from '../../src/lib/server/log';
import type { Role } from '../../src/lib/session/roles';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';
import { waitFor } from './harness';

const KEY = 'APItestkey';
const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
const ROOM1 = mediaRoomName('group-000001');
const ROOM2 = mediaRoomName('group-000002');

describe('media room names', () => {
	it('a group’s first media room is balint-<group>, the next ones after a removal carry a random generation', () => {
		expect(ROOM1).toBe('balint-group-000001');
		expect(mediaRoomName('group-000001', 'k3Xa_9')).toBe('balint-group-000001.k3Xa_9');
		expect(parseMediaRoomName('balint-group-000001')).toEqual({ groupId: 'group-000001', generation: null });
		expect(parseMediaRoomName('balint-group-000001.k3Xa_9')).toEqual({ groupId: 'group-000001', generation: 'k3Xa_9' });
	});
	it.each([
		'balint-',
		'balint-short',
		'balint-group-000001.',
		'balint-group-000001.a.b',
		'balint-group-000001.' + 'x'.repeat(17),
		'other-group-000001',
		'balint-group/000001'
	])('%s is none of ours', (name) => {
		expect(parseMediaRoomName(name)).toBeNull();
	});
});

describe('MediaService against a fake of LiveKit’s Twirp API', () => {
	let fake: FakeLiveKit;
	let media: MediaService;

	beforeEach(async () => {
		fake = await startFakeLiveKit(KEY, SECRET);
		media = new MediaService({ url: fake.url, apiKey: KEY, apiSecret: SECRET, tokenTtlSeconds: 600, maxParticipants: 14 }, createLogger('silent'));
	});
	afterEach(() => fake.close());

	it('creates the room with timeouts and a participant cap, using a roomCreate grant; simultaneous requests share one call', async () => {
		await Promise.all([media.ensureRoom(ROOM1), media.ensureRoom(ROOM1)]);
		const creates = fake.calls.filter((c) => c.method === 'CreateRoom');
		expect(creates).toHaveLength(1);
		expect(creates[0]!.body).toMatchObject({ name: 'balint-group-000001', emptyTimeout: 300, departureTimeout: 60, maxParticipants: 14 });
		expect(creates[0]!.grants.video?.roomCreate).toBe(true);
	});

	const ana = { participantId: 'person-0001', name: 'Ana', role: 'member' as const };
	const open = { microphone: true, camera: true };

	it('creates the room again before each token: LiveKit closes an empty room by itself', async () => {
		await media.token(ROOM1, ana);
		expect(fake.rooms.has('balint-group-000001')).toBe(true);
		// Everyone left video; after its departure timeout LiveKit closes the room (no webhook needed).
		fake.closeRoom('balint-group-000001');
		await media.token(ROOM1, ana);
		expect(fake.rooms.has('balint-group-000001')).toBe(true);
		expect(fake.calls.filter((c) => c.method === 'CreateRoom')).toHaveLength(2);
	});

	it('a new session’s CreateRoom waits until the previous session’s DeleteRoom of the same room is answered', async () => {
		await media.token(ROOM1, ana);
		fake.hold('DeleteRoom');
		const ended = media.endRoom(ROOM1);
		const next = media.token(ROOM1, ana);
		await waitFor(() => fake.log.includes('arrive DeleteRoom balint-group-000001'), 'delete arrives');
		// A later call for another room makes its whole round trip meanwhile: anything the service
		// sent for this room before it has arrived at the fake by now.
		await media.setPublishing(ROOM2, 'person-0002', 'member', open);
		fake.release('DeleteRoom');
		await Promise.all([ended, next]);
		const log = fake.log.filter((line) => line.endsWith(' balint-group-000001'));
		expect(log.slice(-4)).toEqual([
			'arrive DeleteRoom balint-group-000001',
			'answer DeleteRoom balint-group-000001',
			'arrive CreateRoom balint-group-000001',
			'answer CreateRoom balint-group-000001'
		]);
		expect(fake.rooms.has('balint-group-000001')).toBe(true);
	});

	it('closes the presenter’s microphone with every permission field sent', async () => {
		await media.setPublishing(ROOM1, 'presenter-01', 'member', { microphone: false, camera: true });
		const call = fake.calls.find((c) => c.method === 'UpdateParticipant')!;
		expect(call.body.room).toBe('balint-group-000001');
		expect(call.body.identity).toBe('presenter-01');
		// The SDK never sends false values: what is absent is false on the server.
		expect(call.body.permission).toEqual({ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA'] });
		expect(call.grants.video).toMatchObject({ roomAdmin: true, room: 'balint-group-000001' });

		await media.setPublishing(ROOM1, 'presenter-01', 'member', { microphone: true, camera: true });
		expect(fake.calls.at(-1)!.body.permission).toEqual({ canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] });
	});

	it('with camera and microphone both closed, publishing is off (an empty list would mean "all")', async () => {
		await media.setPublishing(ROOM1, 'presenter-01', 'member', { microphone: false, camera: false });
		expect(fake.calls.at(-1)!.body.permission).toEqual({ canSubscribe: true });
	});

	it('removes a participant and deletes the room at the end', async () => {
		await media.removeParticipant(ROOM1, 'member-00001');
		await media.endRoom(ROOM1);
		expect(fake.calls.map((c) => [c.method, c.body])).toEqual([
			['RemoveParticipant', { room: 'balint-group-000001', identity: 'member-00001' }],
			['DeleteRoom', { room: 'balint-group-000001' }]
		]);
	});

	it('mutes a member’s published microphone on a leader’s request', async () => {
		fake.tracks.set('member-00001', [
			{ sid: 'TR_cam', source: 'CAMERA', muted: false },
			{ sid: 'TR_mic', source: 'MICROPHONE', muted: false }
		]);
		await media.muteMicrophone(ROOM1, 'member-00001');
		const mute = fake.calls.filter((c) => c.method === 'MutePublishedTrack');
		expect(mute.map((c) => c.body)).toEqual([{ room: 'balint-group-000001', identity: 'member-00001', trackSid: 'TR_mic', muted: true }]);
	});

	it('a wrong secret is refused by the media server and surfaces as an error', async () => {
		const wrong = new MediaService(
			{ url: fake.url, apiKey: KEY, apiSecret: 'another-secret-0123456789-0123456789', tokenTtlSeconds: 600, maxParticipants: 14 },
			createLogger('silent')
		);
		await expect(wrong.endRoom(ROOM1)).rejects.toThrow();
		expect(fake.rejected).toBe(1);
	});

	describe('tokens', () => {
		const verifier = new TokenVerifier(KEY, SECRET);
		const roles: Role[] = ['leader', 'co-leader', 'member', 'observer', 'supervisor'];
		it.each(roles)('a %s gets this room only, no right to publish, no admin, and a short life', async (role) => {
			const jwt = await media.token(ROOM1, { participantId: 'person-0001', name: 'Ana', role });
			const claims = await verifier.verify(jwt);
			expect(claims.sub).toBe('person-0001');
			expect(claims.name).toBe('Ana');
			const video = claims.video!;
			expect(video.room).toBe(ROOM1);
			expect(video.roomJoin).toBe(true);
			expect(video.canSubscribe).toBe(true);
			expect(video.canPublishData).toBe(false);
			for (const power of ['roomAdmin', 'roomCreate', 'roomRecord', 'roomList', 'hidden', 'recorder'] as const) expect(video[power]).toBeFalsy();
			// Publishing comes only from the session once they are in (UpdateParticipant): a token
			// kept from before reflection, or reused after a LiveKit restart, opens no microphone.
			expect(video.canPublish).toBe(false);
			expect(video.canPublishSources ?? []).toEqual([]);
			const life = (claims.exp as number) - (claims.nbf as number);
			expect(life).toBe(600);
		});
	});

	it('verifies webhook signatures and rejects a forged body', async () => {
		const event = JSON.stringify({
			event: 'participant_joined',
			room: { name: 'balint-group-000001' },
			participant: { identity: 'person-0001' },
			id: 'EV_1',
			createdAt: '1'
		});
		const at = new AccessToken(KEY, SECRET);
		at.sha256 = createHash('sha256').update(event).digest('base64');
		const auth = await at.toJwt();
		const received = await media.receiveWebhook(event, auth);
		expect(received.event).toBe('participant_joined');
		expect(received.participant?.identity).toBe('person-0001');
		await expect(media.receiveWebhook(event.replace('joined', 'left'), auth)).rejects.toThrow();
	});
});
