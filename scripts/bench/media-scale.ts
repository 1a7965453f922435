/**
 * `npm run bench:media`'s workshop and plenary sizes (BENCH_MEDIA_SCENARIOS=fishbowl,plenary):
 * one encrypted media room on the real LiveKit server, a few publishers and dozens of
 * subscribers, all `@livekit/rtc-node` participants (a browser each would need several times
 * this machine), the subscribers a few per child process (subscriber-pool.ts). Subscribers arrive one after another, as people do; each
 * is timed from its join to the first decoded frame of every publisher's picture and tone.
 * Then everyone stays for a while and livekit-server's CPU and memory are read from /proc.
 */
import { fishbowlThroughApp, mintedRoom, type BenchPublisher } from './media-rooms';
import { plenaryThroughApp } from './media-plenary';
import { SubscriberPool } from './subscriber-pool';
import { machine, percentile, usage } from './proc-usage';

export interface ScaleScenario {
	name: string;
	/** What the room stands for, printed with the figures. */
	shape: string;
	publishers: number;
	subscribers: number;
}

/** `8+40`: publishers + subscribers. */
function size(spec: string | undefined, fallback: [number, number]): [number, number] {
	const match = /^(\d+)\+(\d+)$/.exec(spec ?? '');
	return match ? [Number(match[1]), Number(match[2])] : fallback;
}

export function scaleScenarios(): Record<string, ScaleScenario> {
	const [fp, fs] = size(process.env.BENCH_MEDIA_FISHBOWL, [8, 40]);
	const [pp, ps] = size(process.env.BENCH_MEDIA_PLENARY, [4, 46]);
	return {
		fishbowl: { name: 'fishbowl', shape: 'a demonstration group: the working group publishes, observers watch', publishers: fp, subscribers: fs },
		plenary: { name: 'plenary', shape: 'a conference plenary: a few speakers publish, everyone else is subscribed', publishers: pp, subscribers: ps }
	};
}

const HOLD_MS = Number(process.env.BENCH_MEDIA_HOLD_MS ?? 15_000);
const [WIDTH, HEIGHT, FPS] = (/^(\d+)x(\d+)@(\d+)$/.exec(process.env.BENCH_MEDIA_VIDEO ?? '') ?? [0, 320, 180, 15]).slice(1).map(Number) as [
	number,
	number,
	number
];
const TONE_HZ = 440;
/** The fishbowl through the app (its demonstration group), or minted like the plenary: BENCH_MEDIA_FISHBOWL_VIA=minted. */
const THROUGH_APP = process.env.BENCH_MEDIA_FISHBOWL_VIA !== 'minted';
/** How many of the fishbowl's working group are Chromium pages (the leader is always rtc-node). */
const BROWSERS = Number(process.env.BENCH_MEDIA_BROWSERS ?? 2);
/** Whether the plenary goes through the app (its conference, tickets, socket and media token) or is minted. */
const PLENARY_THROUGH_APP = process.env.BENCH_MEDIA_PLENARY_VIA !== 'minted';
const JOIN_LIMIT_MS = 30_000;
const CONNECT_LIMIT_MS = 20_000;
/** rtc-node subscribers per child process: connects failed from about the 9th-11th in one. */
const PER_PROCESS = Number(process.env.BENCH_MEDIA_PER_PROCESS ?? 8);
/** The machine's clock in ms, as the subscriber processes report theirs. */
const now = () => performance.timeOrigin + performance.now();
const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '—');

function line(label: string, values: number[], last: number | undefined, targetMs?: number): void {
	const p95 = percentile(values, 0.95);
	const verdict = targetMs === undefined ? '' : `  target p95 <= ${ms(targetMs)} ${p95 <= targetMs ? '✓' : '✗ MISSED'}`;
	console.log(
		`  ${label.padEnd(48)} p50 ${ms(percentile(values, 0.5)).padStart(8)}  p95 ${ms(p95).padStart(8)}  last to join ${ms(last ?? NaN).padStart(8)}  (n=${values.length})${verdict}`
	);
}

/**
 * rtc-node 1.1.0, when a connection fails half-way on a starved machine ("handle not found" for
 * the room it was making), later throws "trying to drop an invalid handle" from a finaliser, out
 * of any await. That one is counted and the run goes on; anything else still ends it.
 */
let droppedHandles = 0;
process.on('uncaughtException', (error: Error & { code?: string }) => {
	if (error.code === 'GenericFailure' && /invalid handle/.test(error.message)) return void droppedHandles++;
	console.error(error);
	process.exit(1);
});

export async function runScale(
	scenario: ScaleScenario,
	cleanups: (() => Promise<unknown>)[],
	via: 'app' | 'minted' = (scenario.name === 'fishbowl' ? THROUGH_APP : PLENARY_THROUGH_APP) ? 'app' : 'minted'
): Promise<void> {
	const { publishers: P, subscribers: S } = scenario;
	const video = { width: WIDTH, height: HEIGHT, fps: FPS };
	const room =
		via === 'minted'
			? await mintedRoom(scenario.name, P + S, video)
			: scenario.name === 'fishbowl'
				? await fishbowlThroughApp(Math.min(BROWSERS, P - 1), video)
				: await plenaryThroughApp(S, video);
	cleanups.push(() => room.stop());
	const pid = room.livekit.server.pid!;
	const before = usage(pid);
	const publishers: BenchPublisher[] = [];
	for (let i = 0; i < P; i++) publishers.push(await room.publisher(i));
	const kinds = (kind: BenchPublisher['kind']) => publishers.filter((p) => p.kind === kind).length;
	console.log(
		`${scenario.name}: ${P} publishers + ${S} subscribers in one encrypted room, ${scenario.shape}.\n` +
			`  Publishers: ${kinds('browser')} Chromium pages (fake camera), ${kinds('rtc-node')} @livekit/rtc-node (a synthetic ${WIDTH}x${HEIGHT} picture at ${FPS} fps and a ${TONE_HZ} Hz tone); subscribers: ${S} @livekit/rtc-node, ${PER_PROCESS} per child process.\n` +
			`  Room and tokens: ${room.description}.`
	);
	// A browser's fake microphone is no 440 Hz tone: the tones are timed from the rtc-node publishers.
	const toned = new Set(publishers.filter((p) => p.kind === 'rtc-node').map((p) => p.identity));
	const pool = new SubscriberPool(PER_PROCESS);
	const joined: number[] = [];
	cleanups.push(async () => {
		await pool.close();
		for (const p of publishers.splice(0)) await p.stop().catch(() => undefined);
	});

	const connected: number[] = [];
	const firstPicture: number[] = [];
	const allPictures: number[] = [];
	const allVoices: number[] = [];
	let missed = 0;
	/** The last subscriber's own figures, when it joined and decoded everyone. */
	const lastJoined: Partial<Record<'connected' | 'first' | 'all' | 'tone', number>> = {};
	for (let i = 0; i < S; i++) {
		const last = i === S - 1;
		// One who cannot even arrive (a socket of the app's closed): no more come, but those in are still measured.
		const arrival = await room.arrive(i).catch((error: Error) => {
			console.log(`  ✗ subscriber ${i + 1} could not arrive, so the last ${S - i} never came: ${error.message}`);
			return null;
		});
		if (!arrival) break;
		// From "Enter the room": the token (through the app: over the session socket), LiveKit, every picture decoded.
		const entered = now();
		const since = (at: number) => at - entered;
		try {
			const grant = await arrival.enter();
			// The last to join keeps reading every frame: proof that media still flows to all at the end.
			const subscriber = await pool.join({
				url: grant.url,
				token: grant.token,
				mediaKey: room.mediaKey,
				toneHz: TONE_HZ,
				keepReading: last,
				pictures: P,
				toned: [...toned],
				limitMs: JOIN_LIMIT_MS,
				connectTimeoutMs: CONNECT_LIMIT_MS
			});
			arrival.joined();
			joined.push(subscriber.id);
			connected.push(subscriber.connectedAt - entered);
			const { pictures, tones: voices } = await subscriber.decoded;
			const pictureTimes = pictures.map(since);
			firstPicture.push(Math.min(...pictureTimes));
			allPictures.push(Math.max(...pictureTimes));
			if (voices.length) allVoices.push(Math.max(...voices.map(since)));
			// The last who joined and decoded everyone (the last of all, unless the arrivals stopped early).
			if (pictures.length)
				Object.assign(lastJoined, {
					connected: connected.at(-1),
					first: firstPicture.at(-1),
					all: allPictures.at(-1),
					tone: voices.length ? allVoices.at(-1) : undefined
				});
		} catch (error) {
			// One who cannot join or decode is counted and the others go on, as in a real room.
			missed++;
			console.log(`  ✗ subscriber ${i + 1}: ${(error as Error).message}`);
		}
		if ((i + 1) % 10 === 0 && !last) console.error(`  … ${i + 1} of ${S} subscribers in`);
	}
	line('enter → connected to the media room', connected, lastJoined.connected);
	line('enter → first decoded picture', firstPicture, lastJoined.first, 2000);
	line(`enter → every publisher's picture decoded (${P})`, allPictures, lastJoined.all, 2000);
	if (toned.size) line(`enter → every rtc-node publisher's tone (${toned.size})`, allVoices, lastJoined.tone);
	if (droppedHandles + pool.droppedHandles) console.log(`  (rtc-node dropped ${droppedHandles + pool.droppedHandles} handles of failed connections so far)`);
	if (missed) console.log(`  ✗ ${missed} of ${S} subscribers did not join or did not decode every publisher within ${JOIN_LIMIT_MS / 1000} s`);

	// Everyone in: what livekit-server costs while it forwards P pictures and tones to P + S - 1 people each.
	const watcher = joined.at(-1);
	if (watcher === undefined) throw new Error(`${scenario.name}: no subscriber joined`);
	const frames = () => pool.frames(watcher);
	const captured = () => publishers.reduce((sum, p) => sum + (p.frames() ?? 0), 0);
	// The frame count first: asking a busy subscriber process takes a while, and the readings below must start together.
	const framesBefore = await frames();
	const start = {
		lk: usage(pid),
		machine: machine(),
		bench: process.cpuUsage(),
		subscribers: pool.usage(),
		frames: framesBefore,
		captured: captured(),
		at: performance.now()
	};
	let peakRss = start.lk.rssMb;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, usage(pid).rssMb)), 1000);
	await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
	clearInterval(sampler);
	const seconds = (performance.now() - start.at) / 1000;
	const end = { lk: usage(pid), machine: machine(), bench: process.cpuUsage(start.bench), subscribers: pool.usage() };
	peakRss = Math.max(peakRss, end.lk.rssMb);
	const core = (cpuSeconds: number) => `${((cpuSeconds / seconds) * 100).toFixed(0)}% of one core`;
	console.log(
		`  livekit-server, all ${P + S} in, over ${seconds.toFixed(0)} s: ${core(end.lk.cpu - start.lk.cpu)}, ${peakRss.toFixed(0)} MB resident at peak (${before.rssMb.toFixed(0)} MB before anyone joined)`
	);
	const busy = (end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total);
	console.log(
		`  meanwhile: the whole machine ${(busy * 100).toFixed(0)}% busy (both cores); the bench process (publishers, the app's sockets) ${core((end.bench.user + end.bench.system) / 1e6)}; the ${pool.processes} subscriber processes ${core(end.subscribers.cpu - start.subscribers.cpu)}, ${end.subscribers.rssMb.toFixed(0)} MB resident`
	);
	const rtc = kinds('rtc-node');
	const sent = (captured() - start.captured) / seconds;
	const rate = ((await frames()) - start.frames) / seconds;
	console.log(
		`  pictures: the ${rtc} rtc-node publishers captured ${sent.toFixed(0)} frames/s (of ${rtc * FPS} asked); the last to join decoded ${rate.toFixed(0)} frames/s from all ${P}\n`
	);

	await pool.close();
	for (const p of publishers.splice(0)) await p.stop().catch(() => undefined);
	await room.stop();
}
