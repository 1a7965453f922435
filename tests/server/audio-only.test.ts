import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, session, startServer } from './harness';

/** Audio only through the app server: each person's own choice, held in the shared session for everyone to see. */
describe('audio only over the session socket', () => {
	afterEach(cleanup);

	it('a member and an observer switch it for themselves; every replica shows it; nobody switches someone else', async () => {
		const h = await startServer();
		const { leader, members, observer, everyone } = await session(h, { members: 1, observer: true });
		const mia = members[0]!;
		mia.send({ type: 'set-audio-only', on: true });
		observer!.send({ type: 'set-audio-only', on: true });
		for (const c of everyone)
			await c.waitState((s) => s.participants[mia.participantId]!.audioOnly && s.participants[observer!.participantId]!.audioOnly, 'audio only everywhere');
		expect(leader.must().participants[leader.participantId]!.audioOnly).toBe(false);

		mia.send({ type: 'set-audio-only', on: false });
		await leader.waitState((s) => !s.participants[mia.participantId]!.audioOnly, 'back');
		expect(leader.must().participants[observer!.participantId]!.audioOnly).toBe(true);

		// A frame naming someone else is not an action the server knows: the socket is closed as
		// malformed, and nothing changes.
		mia.send({ type: 'set-audio-only', on: true, participantId: leader.participantId });
		expect((await mia.waitClosed()).reason).toBe('malformed message');
		await leader.barrier();
		const inAudioOnly = Object.values(leader.must().participants).filter((p) => p.audioOnly);
		expect(inAudioOnly.map((p) => p.id)).toEqual([observer!.participantId]);
	});
});
