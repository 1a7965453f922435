import type { Browser, Page } from '@playwright/test';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server-process';
import { freeLiveKitPorts } from '../support/livekit';
import { containing, filesUnder } from '../support/traces';
import { cutNetwork, networkServices, newNetworkService } from '../support/network-cut';
import type { GroupLinks } from '../../src/lib/sync/api-types';
import { autoplayLaunchOptions, useLiveKitApp } from './livekit-app';
import { admit, attr, expect, joinOnPage, participant, test, watchErrors, type Person } from './fixtures';
import {
	armPublishBypass,
	arrivingDuring,
	expectNothingFrom,
	expectSeesAndHears,
	joinWithToken,
	liveCaptures,
	participantId,
	publishBypassingTheApp,
	receivedBy,
	recordMediaTokens,
	recordPeerConnections
} from '../support/media-probe';

/**
 * Media through the real LiveKit server (the pinned build, `npm run livekit`), with real
 * browsers: Chromium's fake camera sends a test picture and its fake microphone a tone, and
 * every check reads what really arrives at the receivers (WebRTC statistics), not the UI.
 * One LiveKit and one app server for this file, on free ports, stopped after.
 */

// Received audio has energy only while it is played: headless Chromium plays it without a click.
test.use({ launchOptions: autoplayLaunchOptions() });

const media = useLiveKitApp('media');

type Links = GroupLinks;

const createGroup = (name: string) => media().createGroup(name);

/** Joins in a new context that records its peer connections and may use camera and microphone. */
async function joinWithMedia(browser: Browser, url: string, name: string): Promise<Person & { tokens: { url: string; token: string }[] }> {
	const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
	await recordPeerConnections(context);
	const page = await context.newPage();
	const errors = watchErrors(page);
	// The media tokens this person's session socket receives: what an attacker with the page holds.
	const tokens = recordMediaTokens(page);
	await joinOnPage(page, url, name);
	return { name, page, context, errors, tokens };
}

async function enterVideo(page: Page): Promise<void> {
	await page.getByTestId('enter-room').click();
	await expect(page.getByTestId('e2ee-status')).toHaveAttribute('data-encrypted', 'true', { timeout: 20_000 });
}

test('a leader, two members and an observer: every browser decodes every publisher’s video and hears their voice, end-to-end encrypted', async ({
	browser
}) => {
	const group = await createGroup('Media group');
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const anna = await joinWithMedia(browser, group.links.member, 'Anna Member');
	const bo = await joinWithMedia(browser, group.links.member, 'Bo Member');
	const olle = await joinWithMedia(browser, group.links.observer, 'Olle Observer');
	for (const name of ['Anna Member', 'Bo Member', 'Olle Observer']) await admit(leader.page, name);
	const everyone = [leader, anna, bo, olle];
	for (const person of everyone) await enterVideo(person.page);

	const ids = new Map<string, string>();
	for (const person of everyone) ids.set(person.name, await participantId(leader.page, person.name));
	const publishers = [leader, anna, bo];
	for (const viewer of everyone) {
		for (const publisher of publishers) {
			if (publisher === viewer) continue;
			await expectSeesAndHears(viewer.page, ids.get(publisher.name)!);
		}
		// The observer publishes nothing: no frame and no sound of theirs arrives anywhere.
		if (viewer !== olle) {
			await expectNothingFrom(viewer.page, ids.get(olle.name)!, 'audio', 500);
			await expectNothingFrom(viewer.page, ids.get(olle.name)!, 'video', 500);
		}
	}
	// LiveKit itself lists exactly the four, and the observer with no track.
	const inRoom = await media().livekit.rooms.listParticipants(`balint-${group.id}`);
	expect(inRoom.map((p) => p.identity).sort()).toEqual([...ids.values()].sort());
	expect(inRoom.find((p) => p.identity === ids.get(olle.name))!.tracks).toEqual([]);
	for (const person of everyone) await expect(person.page.locator(`[data-testid="video-tile"]${attr('data-name', 'Anna Member')}`)).toBeVisible();
	// No ICE server outside this machine: STUN to a third party would escape the page's CSP.
	for (const person of everyone) {
		const servers = await person.page.evaluate(() =>
			(window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.flatMap((pc) => (pc.getConfiguration().iceServers ?? []).flatMap((s) => [s.urls].flat()))
		);
		expect(servers.length, 'ICE servers seen').toBeGreaterThan(0);
		for (const url of servers) expect(url).toMatch(/^stuns?:127\.0\.0\.1:\d+$/);
	}
	// LiveKit knows the names (they are in the tokens) but prints none of them.
	for (const person of everyone) expect(media().livekit.output.join('\n')).not.toContain(person.name);
});

async function setPhase(leader: Page, phase: string): Promise<void> {
	await leader.locator(`[data-testid="set-phase"]${attr('data-phase', phase)}`).click();
	await expect(leader.getByTestId('phase')).toHaveAttribute('data-phase', phase);
}

/** LiveKit's own view: the sources a person publishes now (1 camera, 2 microphone). */
async function publishedSources(groupId: string, identity: string): Promise<number[]> {
	const person = await media().livekit.rooms.getParticipant(`balint-${groupId}`, identity);
	return person.tracks.map((t) => t.source).sort();
}

test('the presenter’s silence: closed by the media server for every listener, refused even past the app, and back by itself at return, twice; the camera too when the group asks', async ({
	browser
}) => {
	const group = await createGroup('Silence group');
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const pia = await joinWithMedia(browser, group.links.member, 'Pia Presenter');
	const bo = await joinWithMedia(browser, group.links.member, 'Bo Member');
	for (const name of ['Pia Presenter', 'Bo Member']) await admit(leader.page, name);
	// What an attacker holding the presenter's page could do, prepared before the room is entered.
	await armPublishBypass(pia.page);
	for (const person of [leader, pia, bo]) await enterVideo(person.page);
	const piaId = await participantId(leader.page, 'Pia Presenter');
	const listeners = [leader, bo];
	for (const l of listeners) await expectSeesAndHears(l.page, piaId);

	for (const round of [1, 2]) {
		await participant(leader.page, 'Pia Presenter').getByTestId('make-presenter').click();
		if (round === 2) await leader.page.getByTestId('camera-rule').check();
		await setPhase(leader.page, 'reflection');
		// Every listener: not one more byte of her voice, on any track.
		for (const l of listeners) await expectNothingFrom(l.page, piaId, 'audio');
		await expect(pia.page.getByTestId('mic-closed')).toBeVisible();
		await expect(pia.page.getByTestId('mic-toggle')).toBeDisabled();
		// Her browser holds no microphone open meanwhile: the device's light is off.
		await expect.poll(() => liveCaptures(pia.page, 'audio')).toBe(0);
		// Nothing to mute: the leader is not offered a button that suggests her microphone is open.
		await expect(leader.page.locator(`[data-testid="video-tile"]${attr('data-name', 'Pia Presenter')} [data-testid="mute"]`)).toHaveCount(0);
		expect(await publishedSources(group.id, piaId), 'LiveKit holds no microphone of hers').not.toContain(2);
		// The group's camera rule: her picture stops too.
		if (round === 2) for (const l of listeners) await expectNothingFrom(l.page, piaId, 'video');
		await setPhase(leader.page, 'return');
		// She is seen and heard again without touching anything: decrypted, with energy, at every listener.
		for (const l of listeners) await expectSeesAndHears(l.page, piaId);
		await expect(pia.page.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'true');
		await expect(pia.page.getByTestId('mic-back')).toBeVisible();
		expect(await publishedSources(group.id, piaId)).toEqual([1, 2]);
		// One microphone, the one she is heard through: the capture made ahead of the permission.
		expect(await liveCaptures(pia.page, 'audio')).toBe(1);
		if (round === 1) await leader.page.getByTestId('second-case').click();
	}

	// Listening once more, her camera on (the group's camera rule off again), and now straight
	// through livekit-client, past the app and the library's own check: LiveKit refuses, and
	// nothing of hers arrives anywhere.
	await leader.page.getByTestId('camera-rule').uncheck();
	await setPhase(leader.page, 'reflection');
	for (const l of listeners) await expectNothingFrom(l.page, piaId, 'audio');
	await publishBypassingTheApp(pia.page, 'microphone');
	await expect.poll(() => media().livekit.output.some((line) => line.includes('no permission to publish track') && line.includes(piaId))).toBe(true);
	for (const l of listeners) await expectNothingFrom(l.page, piaId, 'audio');
	expect(await publishedSources(group.id, piaId)).not.toContain(2);

	// Her microphone's sound declared as her camera, which she may still publish: LiveKit would
	// let it through (it checks the declared source), so the app puts her out of the media room.
	await publishBypassingTheApp(pia.page, 'microphone-as-camera');
	await expect
		.poll(async () => (await media().livekit.rooms.listParticipants(`balint-${group.id}`)).map((p) => p.identity), { timeout: 10_000 })
		.not.toContain(piaId);
	for (const l of listeners) await expectNothingFrom(l.page, piaId, 'audio');
});

test('encryption is real: a link with another media key decodes no frame and says why; the others see whose media they cannot read', async ({ browser }) => {
	const group = await createGroup('Key group');
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const anna = await joinWithMedia(browser, group.links.member, 'Anna Member');
	// The member link with a different, well-formed key in its fragment.
	const other = group.links.member.replace(
		/([#&]k=)[^&]+/,
		(_, prefix: string) => prefix + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
	);
	expect(other).not.toBe(group.links.member);
	const eve = await joinWithMedia(browser, other, 'Eve Wrongkey');
	for (const name of ['Anna Member', 'Eve Wrongkey']) await admit(leader.page, name);
	for (const person of [leader, anna, eve]) await enterVideo(person.page);
	const ids = {
		lea: await participantId(leader.page, 'Lea Leader'),
		anna: await participantId(leader.page, 'Anna Member'),
		eve: await participantId(leader.page, 'Eve Wrongkey')
	};

	// Leader and Anna share the key: they see and hear each other.
	await expectSeesAndHears(leader.page, ids.anna);
	await expectSeesAndHears(anna.page, ids.lea);
	// Eve's browser gets the packets but decodes not one frame and plays no sound from anyone.
	await expect(eve.page.getByTestId('e2ee-key-mismatch')).toBeVisible({ timeout: 20_000 });
	await expect(eve.page.getByTestId('e2ee-key-mismatch')).toContainText('media key');
	await expectNothingFrom(eve.page, ids.lea, 'video');
	await expectNothingFrom(eve.page, ids.anna, 'video');
	const atEve = await receivedBy(eve.page);
	expect(atEve[ids.lea]?.audioEnergy ?? 0, 'no sound decoded from the leader').toBe(0);
	// The others cannot read Eve either, and are told on her tile only.
	await expectNothingFrom(leader.page, ids.eve, 'video');
	await expect(leader.page.locator(`[data-testid="video-tile"]${attr('data-name', 'Eve Wrongkey')} [data-testid="tile-undecryptable"]`)).toBeVisible({
		timeout: 20_000
	});
	await expect(leader.page.getByTestId('e2ee-key-mismatch')).toHaveCount(0);
});

test('an observer cannot publish even through livekit-client; a leader’s mute silences a member who may unmute; webhooks drive "in video"; removal and the end reach the media room, and an old token brings nothing back', async ({
	browser
}) => {
	const group = await createGroup('Rights group');
	const room = `balint-${group.id}`;
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const mia = await joinWithMedia(browser, group.links.member, 'Mia Member');
	const olle = await joinWithMedia(browser, group.links.observer, 'Olle Observer');
	for (const name of ['Mia Member', 'Olle Observer']) await admit(leader.page, name);
	await armPublishBypass(olle.page);
	for (const person of [leader, mia, olle]) await enterVideo(person.page);
	const ids = {
		lea: await participantId(leader.page, 'Lea Leader'),
		mia: await participantId(leader.page, 'Mia Member'),
		olle: await participantId(leader.page, 'Olle Observer')
	};

	// LiveKit's webhooks tell the app who is in the media room; the observer, who shows no face,
	// is said to be "in video" in words.
	for (const name of ['Lea Leader', 'Mia Member', 'Olle Observer']) await expect(participant(leader.page, name)).toHaveAttribute('data-in-video', 'true');
	await expect(participant(leader.page, 'Olle Observer').getByTestId('in-video')).toBeVisible();

	// The observer, straight through livekit-client past its own check: LiveKit refuses both.
	const refusals = () => media().livekit.output.filter((line) => line.includes('no permission to publish track') && line.includes(ids.olle)).length;
	await publishBypassingTheApp(olle.page, 'microphone');
	await publishBypassingTheApp(olle.page, 'camera');
	await expect.poll(refusals).toBe(2);
	await expectNothingFrom(leader.page, ids.olle, 'audio');
	await expectNothingFrom(leader.page, ids.olle, 'video');
	expect((await media().livekit.rooms.getParticipant(room, ids.olle)).tracks).toEqual([]);

	// A leader mutes Mia: her voice stops arriving; she unmutes herself and is heard again.
	await expectSeesAndHears(leader.page, ids.mia);
	await leader.page.locator(`[data-testid="video-tile"]${attr('data-name', 'Mia Member')} [data-testid="mute"]`).click();
	await expectNothingFrom(leader.page, ids.mia, 'audio');
	await expect(mia.page.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'false');
	await mia.page.getByTestId('mic-toggle').click();
	await expectSeesAndHears(leader.page, ids.mia, { audio: true, video: false });

	// Removed, Mia is out of the media room, and the others move to a new one by themselves: the
	// old room is deleted, so no token for it opens anything, not even one LiveKit refreshed for
	// her page (as below: her identity, the old room, the right to publish).
	await participant(leader.page, 'Mia Member').getByTestId('person-menu').click();
	await participant(leader.page, 'Mia Member').getByTestId('remove').click();
	await leader.page.getByTestId('confirm-remove').click();
	await expect.poll(async () => (await media().livekit.rooms.listRooms()).map((r) => r.name), { timeout: 10_000 }).not.toContain(room);
	// The new room's name carries a random generation: no later session, nor a restart, makes it again.
	let moved = '';
	await expect
		.poll(async () => (moved = (await media().livekit.rooms.listRooms()).map((r) => r.name).find((name) => name.startsWith(`${room}.`)) ?? ''), {
			timeout: 20_000
		})
		.toMatch(/\.[A-Za-z0-9_-]{8}$/);
	await expect
		.poll(
			async () =>
				(
					await media()
						.livekit.rooms.listParticipants(moved)
						.catch(() => [])
				)
					.map((p) => p.identity)
					.sort(),
			{ timeout: 20_000 }
		)
		.toEqual([ids.lea, ids.olle].sort());
	await expectSeesAndHears(olle.page, ids.lea);
	for (const name of ['Lea Leader', 'Olle Observer']) await expect(participant(leader.page, name)).toHaveAttribute('data-in-video', 'true');
	await expect(participant(leader.page, 'Olle Observer').getByTestId('in-video')).toBeVisible();
	await expect(participant(leader.page, 'Mia Member')).toHaveCount(0);
	expect(mia.tokens.length).toBeGreaterThan(0);
	const refreshed = await media().livekit.token(room, ids.mia, { canPublish: true });
	for (const token of [mia.tokens.at(-1)!.token, refreshed]) {
		expect((await joinWithToken(mia.page, { url: media().livekit.url, token })).outcome).toMatch(/^refused/);
	}
	expect((await media().livekit.rooms.listParticipants(moved)).map((p) => p.identity)).not.toContain(ids.mia);
	expect((await media().livekit.rooms.listRooms()).map((r) => r.name)).not.toContain(room);

	// The end deletes the media room, and a token from before the end cannot make it again.
	await leader.page.getByTestId('end-session').click();
	await leader.page.getByTestId('confirm-end-session').click();
	await expect(leader.page.getByTestId('session-ended')).toBeVisible();
	await expect.poll(async () => (await media().livekit.rooms.listRooms()).map((r) => r.name)).not.toContain(moved);
	expect((await joinWithToken(leader.page, leader.tokens.at(-1)!)).outcome).toMatch(/^refused/);
	expect((await media().livekit.rooms.listRooms()).map((r) => r.name)).not.toContain(moved);
});

test('LiveKit killed mid-reflection and started again: everyone is back in video by themselves, the presenter silent from the first moment, the session untouched', async ({
	browser
}) => {
	const group = await createGroup('Restart group');
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const pia = await joinWithMedia(browser, group.links.member, 'Pia Presenter');
	const bo = await joinWithMedia(browser, group.links.member, 'Bo Member');
	for (const name of ['Pia Presenter', 'Bo Member']) await admit(leader.page, name);
	for (const person of [leader, pia, bo]) await enterVideo(person.page);
	const ids = {
		lea: await participantId(bo.page, 'Lea Leader'),
		pia: await participantId(leader.page, 'Pia Presenter'),
		bo: await participantId(leader.page, 'Bo Member')
	};
	await participant(leader.page, 'Pia Presenter').getByTestId('make-presenter').click();
	await setPhase(leader.page, 'reflection');
	for (const l of [leader, bo]) await expectNothingFrom(l.page, ids.pia, 'audio');
	const startsBefore = media().livekit.server.starts;

	media().livekit.kill();
	await expect.poll(() => media().livekit.server.starts, { message: 'LiveKit started again by its owner', timeout: 20_000 }).toBe(startsBefore + 1);
	await expect.poll(() => media().livekit.server.running, { timeout: 20_000 }).toBe(true);

	// Until everyone sees and hears the others again, every half second: not a byte of Pia's voice.
	const listeners = [
		{ page: leader.page, other: ids.bo },
		{ page: bo.page, other: ids.lea }
	];
	const heardPia: number[] = [];
	await expect
		.poll(
			async () => {
				let back = true;
				for (const l of listeners) {
					const got = await arrivingDuring(l.page, 500);
					heardPia.push(got[ids.pia]?.audioBytes ?? 0);
					const other = got[l.other];
					if (!other || other.framesDecoded === 0 || other.audioBytes === 0) back = false;
				}
				return back;
			},
			{ message: 'everyone back in video', timeout: 60_000, intervals: [0] }
		)
		.toBe(true);
	expect(
		heardPia.filter((bytes) => bytes > 0),
		'audio from the listening presenter at any moment'
	).toEqual([]);
	// The room says "reconnecting" no longer once media is back.
	for (const person of [leader, pia, bo]) await expect(person.page.getByTestId('gallery')).toHaveAttribute('aria-busy', 'false');
	// Her picture is back, her voice is not.
	for (const l of [leader, bo]) await expectSeesAndHears(l.page, ids.pia, { video: true, audio: false });
	for (const l of [leader, bo]) await expectNothingFrom(l.page, ids.pia, 'audio');
	// The shared session never noticed.
	for (const person of [leader, pia, bo]) {
		await expect(person.page.getByTestId('phase')).toHaveAttribute('data-phase', 'reflection');
		await expect(participant(person.page, 'Pia Presenter')).toHaveAttribute('data-listening', 'true');
	}
	await setPhase(leader.page, 'return');
	for (const l of [leader, bo]) await expectSeesAndHears(l.page, ids.pia);
});

test('the listening presenter’s network cut for 15 s and restored: her picture and the others’ media come back by themselves, her voice never, the session untouched', async ({
	browser,
	playwright
}) => {
	// A 15 s cut, then up to a minute to come back: more than the default test time on a busy machine.
	test.setTimeout(180_000);
	const group = await createGroup('Cut group');
	const leader = await joinWithMedia(browser, group.links.leader, 'Lea Leader');
	const bo = await joinWithMedia(browser, group.links.member, 'Bo Member');
	// Pia on a browser of her own: its network is what gets cut.
	const before = networkServices();
	const own = await playwright.chromium.launch(autoplayLaunchOptions());
	const pia = await joinWithMedia(own, group.links.member, 'Pia Presenter');
	// Chromium starts its network service with the first page.
	const network = newNetworkService(before);
	try {
		for (const name of ['Bo Member', 'Pia Presenter']) await admit(leader.page, name);
		for (const person of [leader, bo, pia]) await enterVideo(person.page);
		const ids = {
			lea: await participantId(bo.page, 'Lea Leader'),
			bo: await participantId(leader.page, 'Bo Member'),
			pia: await participantId(leader.page, 'Pia Presenter')
		};
		await participant(leader.page, 'Pia Presenter').getByTestId('make-presenter').click();
		await setPhase(leader.page, 'reflection');
		for (const l of [leader, bo]) {
			await expectNothingFrom(l.page, ids.pia, 'audio');
			await expectSeesAndHears(l.page, ids.pia, { video: true, audio: false });
		}

		const cut = cutNetwork(network);
		try {
			// The cut is real: her picture stops arriving.
			for (const l of [leader, bo]) await expectNothingFrom(l.page, ids.pia, 'video', 1000);
			await leader.page.waitForTimeout(15_000);
		} finally {
			cut.restore();
		}

		// Until her picture is back everywhere and she sees and hears the others, every half second:
		// not a byte of her voice at any listener.
		const heardPia: number[] = [];
		await expect
			.poll(
				async () => {
					let back = true;
					for (const l of [leader, bo]) {
						const got = await arrivingDuring(l.page, 500);
						heardPia.push(got[ids.pia]?.audioBytes ?? 0);
						if ((got[ids.pia]?.framesDecoded ?? 0) === 0) back = false;
					}
					const atPia = await arrivingDuring(pia.page, 500);
					for (const other of [ids.lea, ids.bo]) if ((atPia[other]?.framesDecoded ?? 0) === 0 || (atPia[other]?.audioBytes ?? 0) === 0) back = false;
					return back;
				},
				{ message: 'media back after the cut', timeout: 60_000, intervals: [0] }
			)
			.toBe(true);
		expect(
			heardPia.filter((bytes) => bytes > 0),
			'audio from the listening presenter at any moment'
		).toEqual([]);
		for (const other of [ids.lea, ids.bo]) await expectSeesAndHears(pia.page, other);
		for (const l of [leader, bo]) await expectNothingFrom(l.page, ids.pia, 'audio');
		for (const person of [leader, bo, pia]) {
			await expect(person.page.getByTestId('phase')).toHaveAttribute('data-phase', 'reflection');
			await expect(participant(person.page, 'Pia Presenter')).toHaveAttribute('data-listening', 'true');
		}
		await expect(pia.page.getByTestId('mic-closed')).toBeVisible();
		await setPhase(leader.page, 'return');
		for (const l of [leader, bo]) await expectSeesAndHears(l.page, ids.pia);
	} finally {
		await own.close();
	}
});

test('npm start’s own LiveKit: video on with no set-up, and after a session with distinctive names, neither LiveKit’s output nor any file holds a name', async ({
	browser
}) => {
	const GROUP = 'Cinnabar Lantern Fellowship';
	const NAMES = ['Ottoline Wexbridge', 'Thaddeus Quorndon'];
	const started = Date.now();
	const ownData = mkdtempSync(join(tmpdir(), 'balint-media-own-'));
	// As `npm start` on a fresh machine: no LIVEKIT_*, the project's build of livekit-server found and run.
	const own = await startServer({ DATA_DIR: ownData, VIDEO: 'on', LIVEKIT_PORT: String(await freeLiveKitPorts()) });
	try {
		expect(own.output()).toContain('Video: on');
		const response = await fetch(`${own.url}/api/groups`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: GROUP })
		});
		const { links } = (await response.json()) as { links: Links };
		const leader = await joinWithMedia(browser, links.leader, NAMES[0]!);
		const member = await joinWithMedia(browser, links.member, NAMES[1]!);
		await admit(leader.page, NAMES[1]!);
		for (const person of [leader, member]) await enterVideo(person.page);
		const ids = [await participantId(leader.page, NAMES[0]!), await participantId(leader.page, NAMES[1]!)];
		await expectSeesAndHears(leader.page, ids[1]!);
		await expectSeesAndHears(member.page, ids[0]!);
		await leader.page.getByTestId('end-session').click();
		await leader.page.getByTestId('confirm-end-session').click();
		await expect(member.page.getByTestId('session-ended')).toBeVisible();
		for (const person of [leader, member]) await person.context.close();
	} finally {
		await own.stop();
	}
	// LiveKit's lines go to the app's output: no name, no group name there.
	for (const needle of [GROUP, ...NAMES]) expect(own.output(), `output holds ${needle}`).not.toContain(needle);
	// No file anywhere LiveKit or the app could write (the project, the temporary folder, the data folder) holds one.
	const skip = /^(node_modules|\.git|test-results|playwright-report|\.svelte-kit|build|\.tools)(\/|$)|playwright|chromium|\.org\.chromium/;
	const written = [...filesUnder(process.cwd(), started, skip), ...filesUnder(tmpdir(), started, skip)];
	expect(containing(written, [GROUP, ...NAMES])).toEqual([]);
	expect(readdirSync(ownData)).toEqual(['link-signing-key']);
	rmSync(ownData, { recursive: true, force: true });
});
