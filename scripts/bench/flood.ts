/**
 * `npm run bench:flood`: one socket floods the server while other groups steer their sessions
 * at a leader's pace; the same rounds run once quietly, once per flood. Prints, for the other
 * groups, the p95 of a phase change (the leader's message until the last replica has it) and
 * the server's peak resident memory, each against the quiet run (targets: p95 at most 1.5
 * times, peak at most 64 MB above). A measurement, never a pass/fail test; real WebSockets on
 * loopback against the server core in a process of its own, with its default shares; stops by
 * itself.
 *
 * The floods (what an attacker with one link did before issue 11): document requests from a
 * leader socket (four-byte sync step 1, the whole document encoded for each), the same from a
 * socket that reads nothing, timer toggles from a leader, raised hands from the lobby. Each
 * flooding socket, once cut off, comes back with a new ticket and floods again.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { opened, oursClient, until, type BenchClient } from './clients';
import { PROBED_APP, startProbedServer } from '../../tests/support/probed-server';

const GROUPS = Number(process.env.BENCH_FLOOD_GROUPS ?? 20);
const PEOPLE = Number(process.env.BENCH_FLOOD_PEOPLE ?? 8);
const ROUNDS = Number(process.env.BENCH_FLOOD_ROUNDS ?? 40);
/** Between rounds: a brisk leader, inside one socket's share of messages. */
const PACE_MS = 250;
const PHASES = ['opening', 'case-call', 'presentation', 'questions', 'reflection', 'return'];
const hardStop = setTimeout(() => {
	console.error('bench:flood: stopped after 8 minutes');
	process.exit(2);
}, 8 * 60_000);
hardStop.unref();

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
};

/** A request from one client address (the server trusts loopback as its proxy here). */
function json(port: number, path: string, body: unknown, from: string): Promise<any> {
	return new Promise((resolve, reject) => {
		const payload = JSON.stringify(body);
		const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-forwarded-for': from };
		const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers }, (res) => {
			let text = '';
			res.on('data', (chunk) => (text += chunk));
			res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${path}: ${res.statusCode} ${text}`))));
		});
		req.on('error', reject);
		req.end(payload);
	});
}

// The default rate limits, per client address: every honest person has an address of their
// own, the attacker one (and so at most 120 new tickets a minute).
const server = await startProbedServer(PROBED_APP, { RATE_LIMIT_PER_MINUTE: '120', TRUST_PROXY: '127.0.0.1' });
const ATTACKER = '203.0.113.66';
let people = 0;
const nextAddress = () => `10.${(people >> 16) & 255}.${(people >> 8) & 255}.${people++ & 255}`;
const port = server.port;
const tokenOf = (link: string) => new URLSearchParams(link.split('#')[1]).get('t');

async function join(link: string, name: string): Promise<BenchClient & { participantId: string }> {
	const t = await json(port, '/api/tickets', { token: tokenOf(link), name }, nextAddress());
	const client = oursClient(`ws://127.0.0.1:${port}/sync/${t.group.id}?ticket=${t.ticket}`);
	await opened(client.ws);
	return Object.assign(client, { participantId: t.participantId as string });
}

interface Group {
	leader: BenchClient;
	replicas: BenchClient[];
}

const groups: Group[] = [];
for (let g = 0; g < GROUPS; g++) {
	const created = await json(port, '/api/groups', { name: `Group ${g}` }, nextAddress());
	const leader = await join(created.links.leader, 'Leader');
	await until(() => leader.json.some((m) => m.type === 'admitted'), 'leader admitted');
	const members = [];
	for (let i = 1; i < PEOPLE; i++) members.push(await join(created.links.member, `Member ${i}`));
	for (const m of members) leader.ws.send(JSON.stringify({ type: 'admit', participantId: m.participantId }));
	const replicas = [leader, ...members];
	await until(() => replicas.every((c) => Object.keys(c.doc.getMap('participants').toJSON()).length === PEOPLE), 'roster synced');
	groups.push({ leader, replicas });
}
const attackers = await json(port, '/api/groups', { name: 'Flooders' }, ATTACKER);

/** Peak resident memory of the server process, sampled every 50 ms while `run` runs. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
	let peak = 0;
	const sample = () => {
		const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0);
		peak = Math.max(peak, kb);
	};
	const timer = setInterval(sample, 50);
	sample();
	try {
		return { result: await run(), peakMb: peak / 1024 };
	} finally {
		clearInterval(timer);
	}
}

/** ROUNDS phase changes in every group at once, PACE_MS apart: each replica's latency. */
async function rounds(): Promise<number[]> {
	const latencies: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		const phase = PHASES[round % PHASES.length]!;
		let pending = 0;
		for (const g of groups) {
			const start = performance.now();
			for (const c of g.replicas) {
				if (c.doc.getMap('session').get('phase') === phase) continue;
				pending++;
				c.onPhase = (seen, at) => {
					if (seen !== phase) return;
					c.onPhase = null;
					latencies.push(at - start);
					pending--;
				};
			}
			g.leader.ws.send(JSON.stringify({ type: 'set-phase', phase }));
		}
		await until(() => pending === 0, `round ${round}`);
		await new Promise((r) => setTimeout(r, PACE_MS));
	}
	return latencies;
}

const EMPTY_STEP_1 = (() => {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint8Array(e, new Uint8Array([0]));
	return encoding.toUint8Array(e);
})();

/** Each flood from an address of its own: one attacker's share of the rate limit each. */
type Flood = { name: string; link: string; reads: boolean; frame: () => string | Uint8Array; from: string };
const floods: Flood[] = [
	{ name: 'document requests from a leader socket', link: attackers.links.coLeader, reads: true, frame: () => EMPTY_STEP_1, from: '203.0.113.101' },
	{ name: 'the same from a socket that reads nothing', link: attackers.links.coLeader, reads: false, frame: () => EMPTY_STEP_1, from: '203.0.113.102' },
	{
		name: 'timer toggles from a leader',
		link: attackers.links.coLeader,
		reads: true,
		frame: () => JSON.stringify({ type: 'share-timers', shared: Math.random() < 0.5 }),
		from: '203.0.113.103'
	},
	{ name: 'raised hands from the lobby', link: attackers.links.member, reads: true, frame: () => JSON.stringify({ type: 'raise-hand' }), from: '203.0.113.104' }
];

/** One flooding socket at a time, back with a new ticket each time it is cut off, until stopped. */
function flood(kind: Flood): { stop: () => Promise<number> } {
	let running = true;
	let sent = 0;
	const loop = (async () => {
		while (running) {
			const t = await json(port, '/api/tickets', { token: tokenOf(kind.link), name: 'Flooder' }, kind.from).catch(() => null);
			if (!t) {
				await new Promise((r) => setTimeout(r, 100));
				continue;
			}
			const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/${t.group.id}?ticket=${t.ticket}`, { perMessageDeflate: false });
			await opened(ws).catch(() => undefined);
			if (!kind.reads) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
			const closed = new Promise<void>((r) => ws.once('close', () => r()));
			ws.on('error', () => undefined);
			// Keep it sending, a thousand frames at a time, until the server cuts it off.
			while (running && ws.readyState === ws.OPEN) {
				for (let i = 0; i < 1000; i++) ws.send(kind.frame());
				sent += 1000;
				await new Promise((r) => setImmediate(r));
				if (ws.bufferedAmount > 8 * 1024 * 1024) await new Promise((r) => setTimeout(r, 10));
			}
			ws.terminate();
			await closed;
		}
	})();
	return {
		stop: async () => {
			running = false;
			await loop;
			return sent;
		}
	};
}

try {
	console.log(`bench:flood: ${GROUPS} other groups of ${PEOPLE}, ${ROUNDS} phase changes each, ${PACE_MS} ms apart; the server with its default shares\n`);
	// Once untimed, so that the quiet run is not also the warm-up.
	await rounds();
	const quiet = await peakRss(rounds);
	const quietP95 = percentile(quiet.result, 0.95);
	const row = (label: string, p95: number, peak: number, extra = '') =>
		console.log(`  ${label.padEnd(44)} p95 ${p95.toFixed(1).padStart(7)} ms  peak RSS ${peak.toFixed(0).padStart(4)} MB${extra}`);
	row('quiet', quietP95, quiet.peakMb);
	const worst = { ratio: 0, extraMb: 0 };
	for (const kind of floods) {
		const flooding = flood(kind);
		const during = await peakRss(rounds);
		const sent = await flooding.stop();
		const p95 = percentile(during.result, 0.95);
		const ratio = p95 / quietP95;
		const extra = during.peakMb - quiet.peakMb;
		worst.ratio = Math.max(worst.ratio, ratio);
		worst.extraMb = Math.max(worst.extraMb, extra);
		row(kind.name, p95, during.peakMb, `  (${ratio.toFixed(2)}× quiet, ${extra >= 0 ? '+' : ''}${extra.toFixed(0)} MB; ${sent} frames sent)`);
	}
	console.log(
		`\nother groups under a flood: p95 at most ${worst.ratio.toFixed(2)}× quiet (target <= 1.5× ${worst.ratio <= 1.5 ? '✓' : '✗ MISSED'}), peak RSS at most ${worst.extraMb.toFixed(0)} MB above (target <= 64 MB ${worst.extraMb <= 64 ? '✓' : '✗ MISSED'})`
	);
} finally {
	for (const g of groups) for (const c of g.replicas) c.close();
	server.stop();
}
process.exit(0);
