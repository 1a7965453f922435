/**
 * Where media-scale.ts's participants get their media room and tokens: through the app, as
 * people do (a demonstration group's links, admission by the leader, a media token over the
 * session socket), or, for a room the app on this branch cannot make yet, minted with
 * livekit-server-sdk for a room of the same shape. Either way the real LiveKit server.
 */
import { chromium, type Browser } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackSource } from 'livekit-server-sdk';
import config from '../../playwright.config';
import { joinOnPage } from '../../tests/support/joining';
import { freePort, startLiveKit, type TestLiveKit } from '../../tests/support/livekit';
import { participantId } from '../../tests/support/media-probe';
import { mediaSeat, type MediaSeat } from '../../tests/support/media-seat';
import { rtcPublisher, type PublisherOptions } from '../../tests/support/rtc-publisher';
import { startServer } from '../../tests/support/server-process';

/**
 * The app as `npm start` runs it, not as the server tests do: their server process pings every
 * 2 s and terminates a socket that has not answered the last ping (1006 at the client), which a
 * bench process busy joining dozens of media participants cannot always do in time. That, not
 * the send bound or the socket budget, closed the leader's and observers' sockets after 6 or 7
 * observers in the first pass. 15 s is the app's own default.
 */
export const BENCH_APP_ENV = { HEARTBEAT_SECONDS: '15', LOG_LEVEL: 'warn' };

export interface BenchPublisher {
	identity: string;
	kind: 'rtc-node' | 'browser';
	/** Pictures handed to the encoder so far (rtc-node only: a browser's camera is its own). */
	frames: () => number | null;
	stop: () => Promise<void>;
}

export interface BenchRoom {
	/** How this room and its tokens were made, printed with the figures. */
	description: string;
	livekit: TestLiveKit;
	mediaKey: string;
	publisher(index: number): Promise<BenchPublisher>;
	/**
	 * A subscriber arrives (in the app: opens their link and is admitted, not timed). `enter`
	 * is what a browser's "Enter the room" does, timed from here: a token for the media room.
	 */
	arrive(index: number): Promise<{ enter: () => Promise<{ url: string; token: string }>; joined: () => void; leave: () => void }>;
	stop(): Promise<void>;
}

/** A room minted straight at LiveKit with the app's timeouts and seats for everyone; no app. */
export async function mintedRoom(name: string, seats: number, video: PublisherOptions): Promise<BenchRoom> {
	// Nothing listens at the webhook's address: no app decides here who may stay.
	const livekit = await startLiveKit(`http://127.0.0.1:${await freePort()}/api/media/webhook`);
	const room = `bench-${name}`;
	await livekit.rooms.createRoom({ name: room, emptyTimeout: 300, departureTimeout: 60, maxParticipants: seats });
	const mediaKey = randomBytes(32).toString('base64url');
	return {
		description: `tokens minted with livekit-server-sdk for a room of the same shape (the app's timeouts, ${seats} seats, publish rights only for publishers), without the app`,
		livekit,
		mediaKey,
		async publisher(index) {
			const identity = `publisher-${index + 1}`;
			const token = await livekit.token(room, identity, { canPublish: true, canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE] });
			const p = await rtcPublisher(livekit.url, token, { ...video, mediaKey });
			return { identity, kind: 'rtc-node', frames: () => p.frames, stop: () => p.stop() };
		},
		async arrive(index) {
			const token = await livekit.token(room, `subscriber-${index + 1}`, { canPublish: false });
			return { enter: async () => ({ url: livekit.url, token }), joined: () => undefined, leave: () => undefined };
		},
		stop: () => livekit.stop()
	};
}

/**
 * A demonstration group through the app: the leader (an rtc-node publisher on a session
 * socket) admits everyone; `browsers` of the working group are Chromium pages with the fake
 * camera, the rest rtc-node members; the subscribers are the group's observers.
 */
export async function fishbowlThroughApp(browsers: number, video: PublisherOptions): Promise<BenchRoom> {
	const appPort = await freePort();
	const livekit = await startLiveKit(`http://127.0.0.1:${appPort}/api/media/webhook`);
	const dataDir = mkdtempSync(join(tmpdir(), 'balint-bench-fishbowl-'));
	const app = await startServer({ ...livekit.env, ...BENCH_APP_ENV, PORT: String(appPort), DATA_DIR: dataDir });
	const answer = await fetch(`${app.url}/api/groups`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Bench fishbowl', demo: true })
	});
	const { links } = (await answer.json()) as { links: Record<string, string> };
	const seats: MediaSeat[] = [];
	const seat = async (link: string, name: string) => {
		const s = await mediaSeat(app.url, link, name);
		seats.push(s);
		return s;
	};
	const leader = await seat(links.leader!, 'Lea Leader');
	const { mediaRoom } = await leader.admitted;
	let browser: Browser | null = null;

	/**
	 * The leader admits everyone waiting (of a role) until this person is in: a person is in the
	 * lobby a moment after their socket opens, so one early "admit all" can miss them, as a
	 * leader's click would.
	 */
	async function admit(s: MediaSeat, role?: 'observer'): Promise<void> {
		let done = false;
		void s.admitted.then(() => (done = true));
		for (let tries = 0; !done; tries++) {
			const closed = leader.closedWith ? `the leader's, ${leader.closedWith}` : s.closedWith ? `theirs, ${s.closedWith}` : null;
			if (tries > 30 || closed) throw new Error(`${s.name} was not admitted within ${tries} s${closed ? ` (a socket closed: ${closed})` : ''}`);
			leader.act(role ? { type: 'admit-all', role } : { type: 'admit-all' });
			await Promise.race([s.admitted, new Promise((resolve) => setTimeout(resolve, 1000))]);
		}
	}

	/** Until LiveKit lists this person's camera and microphone: the subscribers' count of pictures starts from everyone publishing. */
	async function publishing(identity: string, name: string): Promise<void> {
		for (let tries = 0; ; tries++) {
			const sources = (await livekit.rooms.getParticipant(mediaRoom, identity)).tracks.map((t) => t.source);
			if (sources.includes(TrackSource.CAMERA) && sources.includes(TrackSource.MICROPHONE)) return;
			if (tries > 300) throw new Error(`${name} publishes no camera and microphone after 30 s (LiveKit lists ${sources.join(', ') || 'nothing'})`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}

	/** An admitted person's seat in the media room as an rtc-node publisher, once the app grants it. */
	async function publishFrom(s: MediaSeat): Promise<BenchPublisher> {
		const grant = await s.mediaToken();
		const p = await rtcPublisher(grant.url, grant.token, {
			...video,
			mediaKey: s.mediaKey,
			async beforePublish(room) {
				s.joined();
				const identity = room.localParticipant!.identity;
				for (let tries = 0; !(await livekit.rooms.getParticipant(mediaRoom, identity)).permission?.canPublish; tries++) {
					if (tries > 100) throw new Error(`${s.name}: no right to publish after 10 s`);
					await new Promise((resolve) => setTimeout(resolve, 100));
				}
			}
		});
		await publishing(p.identity, s.name);
		return { identity: p.identity, kind: 'rtc-node', frames: () => p.frames, stop: () => p.stop() };
	}

	return {
		description: `through the app: a demonstration group's links, admitted by its leader, media tokens over the session socket (${browsers} of the working group in Chromium with its fake camera)`,
		livekit,
		mediaKey: leader.mediaKey,
		async publisher(index) {
			if (index === 0) return publishFrom(leader);
			if (index > browsers) {
				const member = await seat(links.member!, `Member ${index}`);
				await admit(member);
				return publishFrom(member);
			}
			const launch = config.use?.launchOptions ?? {};
			browser ??= await chromium.launch({ ...launch, args: [...(launch.args ?? []), '--autoplay-policy=no-user-gesture-required'], headless: true });
			const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 960, height: 600 } });
			const page = await context.newPage();
			const name = `Member ${index}`;
			await joinOnPage(page, links.member!, name);
			await page.getByTestId('lobby-waiting').waitFor();
			leader.act({ type: 'admit-all' });
			await page.getByTestId('enter-room').click({ timeout: 30_000 });
			await page.getByTestId('e2ee-status').and(page.locator('[data-encrypted="true"]')).waitFor({ timeout: 30_000 });
			const identity = await participantId(page, name);
			await publishing(identity, `${name}'s page`);
			return { identity, kind: 'browser', frames: () => null, stop: () => context.close() };
		},
		async arrive(index) {
			const observer = await seat(links.observer!, `Observer ${index + 1}`);
			await admit(observer, 'observer');
			return { enter: () => observer.mediaToken(), joined: () => observer.joined(), leave: () => observer.close() };
		},
		async stop() {
			seats.forEach((s) => s.close());
			await browser?.close();
			await app.stop();
			await livekit.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
