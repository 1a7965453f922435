import { expect, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/**
 * What really arrives in a browser, read from WebRTC's own statistics rather than from what
 * the UI claims. An init script keeps every RTCPeerConnection the page makes; each inbound
 * RTP stream is tied to a person through the element the app plays it in: a tile's <video>
 * (`data-participant-id`) or a hidden <audio> the media room tags with the same id.
 */
export interface Received {
	/** Video frames decoded from this person, over all their tracks so far. */
	framesDecoded: number;
	/** Audio bytes received from this person. */
	audioBytes: number;
	/** Audio energy played out from this person (rises only while audio is decoded and played). */
	audioEnergy: number;
	/** Inbound audio tracks from this person (one per publication). */
	audioTracks: number;
}

/**
 * Installs, before the app's scripts: a record of every RTCPeerConnection the page makes, and
 * `window.__mediaStats()`, which sums what has arrived per person (see `receivedBy`). In the
 * page so that a benchmark can sample it in a tight loop without a round trip each time.
 */
/** One inbound RTP stream as the page's statistics give it, with the person it belongs to. */
export interface Stream {
	owner: string;
	kind: 'audio' | 'video';
	framesDecoded: number;
	bytes: number;
	energy: number;
	/** When its last packet came, on the page's clock (epoch ms, as Chromium's statistics give it). */
	lastPacketAt: number;
}

function perPerson(streams: Iterable<Stream>): Record<string, Received> {
	const out: Record<string, Received> = {};
	for (const s of streams) {
		const entry = (out[s.owner] ??= { framesDecoded: 0, audioBytes: 0, audioEnergy: 0, audioTracks: 0 });
		if (s.kind === 'video') entry.framesDecoded += s.framesDecoded;
		else {
			entry.audioBytes += s.bytes;
			entry.audioEnergy += s.energy;
			entry.audioTracks += 1;
		}
	}
	return out;
}

function streamsOf(page: Page): Promise<Record<string, Stream>> {
	return page.evaluate(() => (window as unknown as { __mediaStats: () => Promise<Record<string, Stream>> }).__mediaStats());
}

export async function recordPeerConnections(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const Native = window.RTCPeerConnection;
		const all: RTCPeerConnection[] = [];
		const owner = new Map<string, string>();
		window.RTCPeerConnection = class extends Native {
			constructor(config?: RTCConfiguration) {
				super(config);
				all.push(this);
			}
		} as typeof RTCPeerConnection;
		const w = window as unknown as { __pcs: RTCPeerConnection[]; __mediaStats: () => Promise<Record<string, Stream>>; __captured: MediaStreamTrack[] };
		w.__pcs = all;
		// Every track the page captured: a live microphone is a lit device, whether sent or not.
		w.__captured = [];
		const devices = navigator.mediaDevices;
		const capture = devices.getUserMedia.bind(devices);
		devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
			const stream = await capture(constraints);
			w.__captured.push(...stream.getTracks());
			return stream;
		};
		w.__mediaStats = async () => {
			for (const video of document.querySelectorAll<HTMLVideoElement>('[data-testid="video-tile"] video')) {
				const id = video.closest<HTMLElement>('[data-participant-id]')?.dataset.participantId;
				for (const track of (video.srcObject as MediaStream | null)?.getTracks() ?? []) if (id) owner.set(track.id, id);
			}
			for (const audio of document.querySelectorAll<HTMLAudioElement>('audio[data-participant-id]')) {
				for (const track of (audio.srcObject as MediaStream | null)?.getTracks() ?? []) owner.set(track.id, audio.dataset.participantId!);
			}
			const out: Record<string, Stream> = {};
			for (const [index, pc] of all.entries()) {
				if (pc.connectionState === 'closed') continue;
				const stats = await pc.getStats();
				stats.forEach((r: Record<string, unknown>) => {
					if (r.type !== 'inbound-rtp') return;
					const track = String(r.trackIdentifier);
					out[`${index}/${String(r.id)}`] = {
						owner: owner.get(track) ?? `unknown:${track}`,
						kind: r.kind === 'video' ? 'video' : 'audio',
						framesDecoded: Number(r.framesDecoded ?? 0),
						bytes: Number(r.bytesReceived ?? 0),
						energy: Number(r.totalAudioEnergy ?? 0),
						lastPacketAt: Number(r.lastPacketReceivedTimestamp ?? 0)
					};
				});
			}
			return out;
		};
	});
}

/** How many microphone (or camera) captures the page holds open now. */
export function liveCaptures(page: Page, kind: 'audio' | 'video'): Promise<number> {
	return page.evaluate(
		(kind) => (window as unknown as { __captured: MediaStreamTrack[] }).__captured.filter((t) => t.kind === kind && t.readyState === 'live').length,
		kind
	);
}

/**
 * Per person (participant id): what this page has received from them. Streams whose element
 * is gone (an unpublished track) still count, by the track ids seen before: bytes that keep
 * arriving on a removed element would show.
 */
export async function receivedBy(page: Page): Promise<Record<string, Received>> {
	return perPerson(Object.values(await streamsOf(page)));
}

const none: Received = { framesDecoded: 0, audioBytes: 0, audioEnergy: 0, audioTracks: 0 };

/**
 * What arrived from each person during `ms`: each stream's own growth (a stream that ended
 * meanwhile counts nothing, and cannot hide another's bytes), summed per person.
 */
export async function arrivingDuring(page: Page, ms: number): Promise<Record<string, Received>> {
	const before = await streamsOf(page);
	await page.waitForTimeout(ms);
	const after = await streamsOf(page);
	const grown: Stream[] = Object.entries(after).map(([key, b]) => {
		const a = before[key];
		return {
			...b,
			framesDecoded: Math.max(0, b.framesDecoded - (a?.framesDecoded ?? 0)),
			bytes: Math.max(0, b.bytes - (a?.bytes ?? 0)),
			energy: Math.max(0, b.energy - (a?.energy ?? 0))
		};
	});
	return perPerson(grown);
}

/** The participant id behind a name, from the page's own gallery. */
export async function participantId(page: Page, name: string): Promise<string> {
	const id = await page.locator(`[data-testid="video-tile"][data-name="${name}"]`).getAttribute('data-participant-id');
	expect(id, `${name}'s tile has a participant id`).toBeTruthy();
	return id!;
}

/**
 * Brings a person's tile into view: livekit-client's adaptive stream pauses video that is off
 * screen, so "no frames" from a tile scrolled away would prove nothing, and "frames" would fail.
 */
async function showTile(page: Page, id: string): Promise<void> {
	await page.locator(`[data-testid="video-tile"][data-participant-id="${id}"]`).scrollIntoViewIfNeeded();
}

/** Waits until `page` decodes video from `from` and plays their audio with energy. */
export async function expectSeesAndHears(page: Page, from: string, what: { video?: boolean; audio?: boolean } = { video: true, audio: true }): Promise<void> {
	let last: Record<string, Received> = {};
	await showTile(page, from);
	const ok = async () => {
		last = await arrivingDuring(page, 500);
		const r = last[from] ?? none;
		return (what.video === false || r.framesDecoded > 0) && (what.audio === false || (r.audioBytes > 0 && r.audioEnergy > 0));
	};
	await expect
		.poll(ok, { timeout: 20_000, intervals: [250] })
		.toBe(true)
		.catch(async (error: Error) => {
			const pcs = await page.evaluate(() =>
				(window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => `${pc.connectionState}/${pc.iceConnectionState}`)
			);
			throw new Error(
				`${page.url().split('#')[0]} does not see and hear ${from}: last 500 ms ${JSON.stringify(last)}; peer connections ${pcs.join(', ')}\n${error.message}`
			);
		});
}

/**
 * Waits until nothing of the kind arrives from `from` any more, then holds it for `holdMs`:
 * not a byte of audio (or not a frame of video), on any track, old or new.
 */
export async function expectNothingFrom(page: Page, from: string, kind: 'audio' | 'video', holdMs = 2000): Promise<void> {
	await showTile(page, from);
	const amount = (r: Received | undefined) => (kind === 'audio' ? (r?.audioBytes ?? 0) : (r?.framesDecoded ?? 0));
	await expect
		.poll(async () => amount((await arrivingDuring(page, 300))[from]), { message: `${kind} from ${from} stops arriving`, timeout: 10_000, intervals: [0] })
		.toBe(0);
	const held = await arrivingDuring(page, holdMs);
	expect(amount(held[from]), `no ${kind} from ${from} for ${holdMs} ms`).toBe(0);
	// Nor, in the same time, anything the page could not attribute to a person.
	const unknown = Object.entries(held).filter(([id, r]) => id.startsWith('unknown:') && amount(r) > 0);
	expect(unknown, 'media from no known person').toEqual([]);
}

/** The built files of livekit-client and its E2EE worker (from Vite's manifest). */
export function livekitFiles(): string[] {
	const manifest = JSON.parse(readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8')) as Record<string, { file: string }>;
	return Object.entries(manifest)
		.filter(([key]) => key.includes('livekit-client'))
		.map(([, entry]) => entry.file);
}

/** livekit-client's own module chunks as the app serves them (the ones a page can import). */
function livekitChunks(): string[] {
	return livekitFiles().filter((file) => file.endsWith('.js') && !/worker/i.test(file));
}

/**
 * Prepares what an attacker with the page would do: livekit-client's own check of the
 * permissions it was given is switched off (on request), so a publish reaches the media
 * server, which must refuse it. Loads the app's own livekit-client module (the same instance
 * the app uses) and wraps two LocalParticipant methods, which also hands the test the
 * participant the app's Room holds.
 */
export async function armPublishBypass(page: Page): Promise<void> {
	const chunks = livekitChunks();
	const found = await page.evaluate(async (urls) => {
		type Proto = { hasPermissionsToPublish: (t: unknown) => boolean; setMicrophoneEnabled: unknown; updateInfo: (...a: unknown[]) => unknown };
		const w = window as unknown as { __lp?: unknown; __bypass?: boolean };
		let patched = 0;
		for (const url of urls) {
			const mod = (await import(/* @vite-ignore */ `/${url}`)) as Record<string, unknown>;
			for (const value of Object.values(mod)) {
				const proto = (typeof value === 'function' ? value.prototype : null) as Proto | null;
				if (!proto || !Object.hasOwn(proto, 'hasPermissionsToPublish') || typeof proto.setMicrophoneEnabled !== 'function') continue;
				const check = proto.hasPermissionsToPublish;
				const update = proto.updateInfo;
				proto.hasPermissionsToPublish = function (this: unknown, track: unknown) {
					w.__lp = this;
					return w.__bypass ? true : check.call(this, track);
				};
				proto.updateInfo = function (this: unknown, ...args: unknown[]) {
					w.__lp = this;
					return update.apply(this, args);
				};
				patched += 1;
			}
		}
		return patched;
	}, chunks);
	expect(found, 'livekit-client’s LocalParticipant found in the app’s chunks').toBe(1);
}

/**
 * Publishes straight through livekit-client, past its own permission check: the microphone,
 * the camera, or the microphone's sound declared as the camera (LiveKit checks the declared
 * source, not the kind of track).
 */
export async function publishBypassingTheApp(page: Page, source: 'microphone' | 'camera' | 'microphone-as-camera'): Promise<void> {
	await page.evaluate((what) => {
		type Lp = {
			setMicrophoneEnabled(on: boolean): Promise<unknown>;
			setCameraEnabled(on: boolean): Promise<unknown>;
			publishTrack(t: MediaStreamTrack, o: object): Promise<unknown>;
		};
		const w = window as unknown as { __lp?: Lp; __bypass?: boolean; __attack?: Promise<string> };
		if (!w.__lp) throw new Error('no LocalParticipant captured: was armPublishBypass called before entering video?');
		w.__bypass = true;
		const lp = w.__lp;
		const call =
			what === 'microphone'
				? lp.setMicrophoneEnabled(true)
				: what === 'camera'
					? lp.setCameraEnabled(true)
					: navigator.mediaDevices
							.getUserMedia({ audio: true })
							.then((stream) => lp.publishTrack(stream.getAudioTracks()[0]!, { source: 'camera', name: 'camera' }));
		w.__attack = call.then(
			() => 'published',
			(error: Error) => `refused: ${error.message}`
		);
	}, source);
}

/** Every media token the page's session socket received, newest last: what an attacker with the page holds. */
export function recordMediaTokens(page: Page): { url: string; token: string }[] {
	const tokens: { url: string; token: string }[] = [];
	page.on('websocket', (ws) => {
		ws.on('framereceived', ({ payload }) => {
			if (typeof payload !== 'string' || !payload.includes('"media-token"')) return;
			const message = JSON.parse(payload) as { type: string; url?: string; token?: string };
			if (message.type === 'media-token' && message.url && message.token) tokens.push({ url: message.url, token: message.token });
		});
	});
	return tokens;
}

/**
 * Joins the media room from this page with a token, through the app's own livekit-client,
 * outside the app. Says how it went and, if the media server put it out within a few
 * seconds, LiveKit's reason (4 is PARTICIPANT_REMOVED, 5 ROOM_DELETED).
 */
export async function joinWithToken(page: Page, grant: { url: string; token: string }): Promise<{ outcome: string; disconnected: number | null }> {
	const chunks = livekitChunks();
	return page.evaluate(
		async ({ urls, url, token }) => {
			for (const chunk of urls) {
				const mod = (await import(/* @vite-ignore */ `/${chunk}`)) as Record<string, unknown>;
				for (const value of Object.values(mod)) {
					// livekit-client's Room: the one class with the static getLocalDevices and a hasE2EESetup getter.
					if (typeof value !== 'function' || !Object.hasOwn(value, 'getLocalDevices') || !Object.getOwnPropertyDescriptor(value.prototype, 'hasE2EESetup'))
						continue;
					const room = new (value as new () => { connect(u: string, t: string): Promise<void>; on(e: string, f: (reason: number) => void): void })();
					let disconnected: number | null = null;
					room.on('disconnected', (reason) => (disconnected = reason ?? -1));
					const outcome = await room.connect(url, token).then(
						() => 'joined',
						(error: Error) => `refused: ${error.message}`
					);
					const until = Date.now() + 5000;
					while (disconnected === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
					return { outcome, disconnected };
				}
			}
			return { outcome: 'no Room class found', disconnected: null };
		},
		{ urls: chunks, url: grant.url, token: grant.token }
	);
}
