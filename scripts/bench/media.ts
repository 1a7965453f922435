/**
 * `npm run bench:media` (after `npm run build` and `npm run livekit`): the presenter's silence
 * and the room's media, timed through the real LiveKit server with real browsers on loopback.
 * A measurement that prints figures against their targets, never a pass/fail test; it stops
 * by itself. For groups of 4 and 8 people, in repeated rounds:
 *
 * - silenced: the leader's click on Reflection until the last packet of the presenter's audio
 *   at each receiver (target p95 <= 300 ms);
 * - heard again: the click on "The presenter returns" until the first decoded, played audio
 *   from the presenter at each receiver (target p95 <= 1 s);
 * - first picture: a person's "Enter the room" until their first decoded remote frame
 *   (target p95 <= 2 s);
 * - CPU and memory of livekit-server and of the browser, per person.
 *
 * Then the workshop fishbowl and the conference plenary at full size (media-scale.ts):
 * `BENCH_MEDIA_SCENARIOS` picks among `groups` (the above), `fishbowl` and `plenary`.
 *
 * Times are read in each receiver's page from WebRTC's statistics and compared with the
 * moment the leader's page received the click, on the same machine's clock. The last packet is WebRTC's own time for it; a first sound or
 * frame is seen by a 50 ms sample, so those lean long by up to 50 ms.
 */
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import config from '../../playwright.config';
import { admit, joinOnPage } from '../../tests/support/joining';
import { participantId, recordPeerConnections, type Stream } from '../../tests/support/media-probe';
import { freePort, startLiveKit } from '../../tests/support/livekit';
import { startServer } from '../../tests/support/server-process';
import { percentile, usage } from './proc-usage';

const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 5);
/**
 * Group sizes, each with cameras on or off: `4` or `8-audio`. Eight browsers each encoding and
 * decoding video saturate this machine's two cores (the figures then measure the CPU, not the
 * app), so by default eight people are measured with cameras off: the silence and the return
 * are about audio anyway. Four with cameras off is the one group that leaves this machine CPU
 * to spare: it shows the path itself.
 */
const GROUPS = process.env.BENCH_MEDIA_GROUPS ?? '4-audio,4,8-audio';
const SCENARIOS = (process.env.BENCH_MEDIA_SCENARIOS ?? 'groups,fishbowl,plenary').split(',').map((s) => s.trim());
const SIZES = SCENARIOS.includes('groups') ? GROUPS.split(',').map((g) => ({ size: Number.parseInt(g, 10), cameras: !g.endsWith('-audio') })) : [];
/** What the run started, stopped on the way out, also when the hard stop below fires. */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
	for (const stop of cleanups.splice(0).reverse()) await stop().catch(() => undefined);
}
const hardStop = setTimeout(() => {
	console.error('bench:media: stopped after 25 minutes');
	void cleanUp().finally(() => process.exit(2));
}, 25 * 60_000);
hardStop.unref();

const ms = (v: number) => `${Math.round(v)} ms`;
function line(label: string, values: number[], targetMs: number): void {
	const p95 = percentile(values, 0.95);
	console.log(
		`  ${label.padEnd(48)} p50 ${ms(percentile(values, 0.5)).padStart(7)}  p95 ${ms(p95).padStart(7)}  (n=${values.length})  target p95 <= ${ms(targetMs)}  ${p95 <= targetMs ? '✓' : '✗ MISSED'}`
	);
}

/**
 * In the page, on the page's clock (epoch ms, the clock WebRTC's statistics use). `last-audio`:
 * for `forMs`, when the last packet of the presenter's audio came (WebRTC's own
 * lastPacketReceivedTimestamp). `first-audio` / `first-frame`: samples every 50 ms until
 * new decoded, played audio from the presenter, or a first decoded remote frame, arrives.
 */
type Probe = { kind: 'last-audio'; from: string; forMs: number } | { kind: 'first-audio'; from: string } | { kind: 'first-frame' } | { kind: 'first-sent' };
function watch(page: Page, probe: Probe, limitMs = 10_000): Promise<number | null> {
	return page.evaluate(
		async ({ probe, limitMs }) => {
			// No local functions in here: tsx wraps named ones in a helper the page does not have.
			const stats = (window as unknown as { __mediaStats: () => Promise<Record<string, Stream>> }).__mediaStats;
			const start = performance.timeOrigin + performance.now();
			if (probe.kind === 'last-audio') {
				// A stream's statistics vanish once LiveKit unpublishes it: keep the newest last-packet
				// time seen, read every 20 ms (so at most the final 20 ms of packets could be missed).
				let last = 0;
				while (performance.timeOrigin + performance.now() - start < probe.forMs) {
					for (const s of Object.values(await stats())) if (s.owner === probe.from && s.kind === 'audio') last = Math.max(last, s.lastPacketAt);
					await new Promise((r) => setTimeout(r, 20));
				}
				return last;
			}
			if (probe.kind === 'first-sent') {
				// The presenter's own page: when its audio starts leaving again (bytes sent rising on
				// an outbound audio stream), the part of the return spent before any receiver.
				const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
				const sentAt = new Map<string, number>();
				let first = true;
				while (performance.timeOrigin + performance.now() - start < limitMs) {
					let sending = false;
					for (const [index, pc] of pcs.entries()) {
						if (pc.connectionState === 'closed') continue;
						(await pc.getStats()).forEach((r: { type: string; kind?: string; id: string; bytesSent?: number }) => {
							if (r.type !== 'outbound-rtp' || r.kind !== 'audio') return;
							const key = `${index}/${r.id}`;
							if (first) sentAt.set(key, r.bytesSent ?? 0);
							else if ((r.bytesSent ?? 0) > (sentAt.get(key) ?? 0)) sending = true;
						});
					}
					if (sending) return performance.timeOrigin + performance.now();
					first = false;
					await new Promise((r) => setTimeout(r, 50));
				}
				return null;
			}
			// Per stream, what it had when the watch began: a stream of an unpublished track leaves
			// the statistics, so sums over streams can fall while new sound arrives on a new one.
			let before: Map<string, Stream> | null = null;
			while (performance.timeOrigin + performance.now() - start < limitMs) {
				const streams = Object.entries(await stats());
				const at = performance.timeOrigin + performance.now();
				if (probe.kind === 'first-audio') {
					// New sound: a stream of theirs with more bytes than when the watch began, decoded and played (energy rising).
					const mine = streams.filter(([, s]) => s.owner === probe.from && s.kind === 'audio');
					if (!before) before = new Map(mine);
					else if (mine.some(([key, s]) => s.bytes > (before!.get(key)?.bytes ?? 0) && s.energy > (before!.get(key)?.energy ?? 0))) return at;
				} else if (streams.some(([, s]) => !s.owner.startsWith('unknown:') && s.kind === 'video' && s.framesDecoded > 0)) return at;
				await new Promise((r) => setTimeout(r, 50));
			}
			return null;
		},
		{ probe, limitMs }
	);
}

/** Clicks a phase button and returns when the leader's page received the click (its clock, epoch ms). */
async function clickAt(leader: Page, phase: string): Promise<number> {
	const button = leader.locator(`[data-testid="set-phase"][data-phase="${phase}"]`);
	await button.evaluate((el) =>
		el.addEventListener('click', () => ((window as unknown as { __clickedAt: number }).__clickedAt = performance.timeOrigin + performance.now()), {
			once: true,
			capture: true
		})
	);
	await button.click();
	return leader.evaluate(() => (window as unknown as { __clickedAt: number }).__clickedAt);
}

/** Playwright does not expose the browser's pid: it is this process's child named chromium. */
const browserPid = (): number => Number(execSync(`pgrep -n -x -P ${process.pid} chromium`, { encoding: 'utf8' }).trim());

const appPort = await freePort();
const livekit = await startLiveKit(`http://127.0.0.1:${appPort}/api/media/webhook`);
cleanups.push(() => livekit.stop());
const dataDir = mkdtempSync(join(tmpdir(), 'balint-bench-media-'));
cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
const app = await startServer({ ...livekit.env, PORT: String(appPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
cleanups.push(() => app.stop());
const launch = config.use?.launchOptions ?? {};
const browser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), '--autoplay-policy=no-user-gesture-required'], headless: true });
cleanups.push(() => browser.close());
const silenced: number[] = [];
try {
	if (SIZES.length)
		console.log(`bench:media: ${ROUNDS} rounds per group (real LiveKit ${livekit.env.LIVEKIT_URL}, Chromium's fake camera and microphone, ${GROUPS})\n`);
	for (const { size, cameras } of SIZES) {
		const created = await (
			await fetch(`${app.url}/api/groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Bench ${size}` }) })
		).json();
		const links = created.links as Record<string, string>;
		const pages: Page[] = [];
		const names = ['Lea Leader', 'Pia Presenter', ...Array.from({ length: size - 2 }, (_, i) => `Member ${i + 1}`)];
		for (const [i, name] of names.entries()) {
			const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 900 } });
			await recordPeerConnections(context);
			const page = await context.newPage();
			await joinOnPage(page, i === 0 ? links.leader! : links.member!, name);
			if (i > 0) await admit(pages[0]!, name);
			pages.push(page);
		}
		const [leader] = pages;
		const firstFrame: number[] = [];
		for (const page of pages) {
			await page.getByTestId('prejoin').waitFor();
			if (!cameras) await page.getByTestId('camera-toggle').click();
			const clicked = Date.now();
			// The first to enter has nobody to see yet.
			const seen = cameras && page !== leader ? watch(page, { kind: 'first-frame' }, 20_000) : Promise.resolve(null);
			await page.getByTestId('enter-room').click();
			const at = await seen;
			if (at !== null) firstFrame.push(at - clicked);
		}
		const presenter = await participantId(leader!, 'Pia Presenter');
		const receivers = pages.filter((_, i) => i !== 1);
		// Everyone hears the presenter before the first round.
		const hearing = await Promise.all(receivers.map((page) => watch(page, { kind: 'first-audio', from: presenter }, 30_000)));
		const deaf = hearing.filter((at) => at === null).length;
		if (deaf) console.log(`  (${deaf} of ${receivers.length} receivers never heard the presenter before the first round)`);
		await leader!.locator('[data-testid="participant"][data-name="Pia Presenter"] [data-testid="make-presenter"]').click();
		const cpuStart = { lk: usage(livekit.server.pid!), browser: usage(browserPid()), at: Date.now() };
		const off: number[] = [];
		const on: number[] = [];
		const sending: number[] = [];
		let never = 0;
		for (let round = 0; round < ROUNDS; round++) {
			const lastPackets = receivers.map((page) => watch(page, { kind: 'last-audio', from: presenter, forMs: 2500 }));
			let clicked = await clickAt(leader!, 'reflection');
			for (const at of await Promise.all(lastPackets)) off.push(Math.max(0, (at || clicked) - clicked));
			// 30 s: long enough to tell a slow return (a saturated machine) from one that never comes.
			const firstAudio = receivers.map((page) => watch(page, { kind: 'first-audio', from: presenter }, 30_000));
			const firstSent = watch(pages[1]!, { kind: 'first-sent' }, 30_000);
			clicked = await clickAt(leader!, 'return');
			for (const at of await Promise.all(firstAudio)) {
				if (at === null) never++;
				else on.push(at - clicked);
			}
			const sentAt = await firstSent;
			if (sentAt !== null) sending.push(sentAt - clicked);
		}
		const seconds = (Date.now() - cpuStart.at) / 1000;
		const lk = usage(livekit.server.pid!);
		const br = usage(browserPid());
		console.log(`${size} people, cameras ${cameras ? 'on' : 'off'} (${ROUNDS} rounds, ${receivers.length} receivers each):`);
		line('click on Reflection → last presenter audio', off, 300);
		line('click on Return → first decoded presenter audio', on, 1000);
		console.log(`  (of which, until the presenter's page sends audio again: p50 ${ms(percentile(sending, 0.5))}, p95 ${ms(percentile(sending, 0.95))})`);
		if (never) console.log(`  ✗ ${never} of ${ROUNDS * receivers.length} returns never heard within 30 s`);
		if (cameras) line('Enter the room → first decoded remote frame', firstFrame, 2000);
		console.log(`  livekit-server: ${(((lk.cpu - cpuStart.lk.cpu) / seconds) * 100).toFixed(0)}% of one core, ${lk.rssMb.toFixed(0)} MB resident`);
		console.log(
			`  browser, per person: ${((((br.cpu - cpuStart.browser.cpu) / seconds) * 100) / size).toFixed(0)}% of one core, ${(br.rssMb / size).toFixed(0)} MB resident\n`
		);
		silenced.push(...off);
		for (const page of pages) await page.context().close();
	}
	if (silenced.length) console.log(`presenter silenced at every receiver: p95 ${Math.round(percentile(silenced, 0.95))} ms\n`);
	// The browsers, the app and their LiveKit go first: the larger rooms get the machine to themselves.
	await cleanUp();
	const scale = SCENARIOS.filter((s) => s !== 'groups');
	if (scale.length) {
		// rtc-node logs every connection at debug level unless NODE_ENV says production.
		process.env.NODE_ENV ??= 'production';
		const { runScale, scaleScenarios } = await import('./media-scale');
		const known = scaleScenarios();
		for (const name of scale) {
			const scenario = known[name];
			if (!scenario) throw new Error(`BENCH_MEDIA_SCENARIOS: no scenario "${name}" (groups, ${Object.keys(known).join(', ')})`);
			// One scenario that cannot be set up (on a saturated machine) says why; the next still runs.
			await runScale(scenario, cleanups).catch(async (error: Error) => {
				console.log(`  ✗ ${name} stopped: ${error.message}\n`);
				await cleanUp();
				// Through the app failed: the same room minted, so the media figures still come.
				const via = process.env[name === 'fishbowl' ? 'BENCH_MEDIA_FISHBOWL_VIA' : 'BENCH_MEDIA_PLENARY_VIA'];
				if (via !== 'minted') {
					console.log(`${name} again, minted:`);
					await runScale(scenario, cleanups, 'minted').catch(async (again: Error) => {
						console.log(`  ✗ ${name} stopped: ${again.message}\n`);
						await cleanUp();
					});
				}
			});
		}
		await (await import('@livekit/rtc-node')).dispose();
	}
} finally {
	await cleanUp();
}
process.exit(0);
