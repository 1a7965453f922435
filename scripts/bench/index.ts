/**
 * `npm run bench`: Balint Room's sync server against a bare @y/websocket-server 0.1.1, same
 * workload, same run, real WebSockets on loopback. Bounded in size and time; stops by itself.
 * Prints figures with their targets; never a pass/fail test (see docs/benchmarks.md).
 *
 * BENCH_GROUPS (50) x BENCH_CLIENTS (10) clients; BENCH_ROUNDS (20) of groups at different
 * moments; BENCH_BURST_ROUNDS (40) of all groups at once; BENCH_CYCLES (1000) sessions opened
 * and ended after BENCH_WARM_UP (200).
 */
import { request } from 'node:http';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Probe } from '../../tests/support/probe-ipc';
import { NODE_FLAGS, PROBED_APP, startProbedServer, type ProbedServer } from '../../tests/support/probed-server';
import { bareClient, oursClient, opened, until, type BenchClient } from './clients';

const G = Number(process.env.BENCH_GROUPS ?? 50);
const P = Number(process.env.BENCH_CLIENTS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const BURST_ROUNDS = Number(process.env.BENCH_BURST_ROUNDS ?? 40);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 200);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1000);
const PHASES = ['opening', 'case-call', 'presentation', 'questions', 'reflection', 'return'];
const hardStop = setTimeout(() => {
	console.error('bench: stopped after 8 minutes');
	process.exit(2);
}, 8 * 60_000);
hardStop.unref();

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const ms = (v: number) => `${v.toFixed(2)} ms`;
const dist = (values: number[]) =>
	`p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, p99 ${ms(percentile(values, 99))} (n=${values.length})`;

/** A group as the bench drives it: the writer and everyone who must see the change. */
interface BenchGroup {
	writer: BenchClient;
	clients: BenchClient[];
	setPhase(phase: string): void;
	/** Balint Room only: the organiser's overview saw this group's phase. */
	groupId?: string;
}

/** Changes the phase of the given groups at once; resolves with every observer's latency. */
async function change(groups: BenchGroup[], round: number, overview?: BenchClient): Promise<{ latencies: number[]; overview: number[] }> {
	const latencies: number[] = [];
	const overviewLatencies: number[] = [];
	let pending = 0;
	const phase = PHASES[round % PHASES.length]!;
	const starts = new Map<BenchGroup, number>();
	for (const g of groups) {
		for (const c of g.clients) {
			pending += 1;
			c.onPhase = (seen, at) => {
				if (seen !== phase) return;
				c.onPhase = null;
				latencies.push(at - starts.get(g)!);
				pending -= 1;
			};
		}
	}
	let overviewPending = 0;
	if (overview) {
		const waiting = new Map(groups.map((g) => [g.groupId!, g]));
		overviewPending = waiting.size;
		overview.ws.removeAllListeners('message');
		overview.ws.on('message', (data) => {
			const m = JSON.parse(data.toString());
			const g = m.type === 'group' && m.group.phase === phase ? waiting.get(m.group.groupId) : undefined;
			if (!g) return;
			waiting.delete(m.group.groupId);
			overviewLatencies.push(performance.now() - starts.get(g)!);
			overviewPending -= 1;
		});
	}
	for (const g of groups) {
		starts.set(g, performance.now());
		g.setPhase(phase);
	}
	await until(() => pending === 0 && overviewPending === 0, `round ${round} (${pending} replicas and ${overviewPending} overview updates missing)`);
	return { latencies, overview: overviewLatencies };
}

/** One request per connection (no keep-alive), so no idle HTTP socket skews the counts. */
function json(port: number, path: string, body: unknown): Promise<any> {
	return new Promise((resolve, reject) => {
		const payload = JSON.stringify(body);
		const req = request(
			{
				host: '127.0.0.1',
				port,
				path,
				method: 'POST',
				agent: false,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
			},
			(res) => {
				let text = '';
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${path}: ${res.statusCode} ${text}`))));
			}
		);
		req.on('error', reject);
		req.end(payload);
	});
}

async function oursJoin(port: number, link: string, name: string): Promise<{ client: BenchClient; participantId: string }> {
	const token = new URLSearchParams(link.split('#')[1]).get('t');
	const t = await json(port, '/api/tickets', { token, name });
	const client = oursClient(`ws://127.0.0.1:${port}/sync/${t.group.id}?ticket=${t.ticket}`);
	await opened(client.ws);
	return { client, participantId: t.participantId };
}

async function setupOurs(server: ProbedServer, baseline: () => Promise<unknown>): Promise<{ groups: BenchGroup[]; overview: BenchClient; all: BenchClient[] }> {
	const conference = await json(server.port, '/api/conferences', {
		name: 'Bench',
		timeZone: 'UTC',
		sessions: [{ start: '2030-01-01T09:00:00Z', minutes: 90 }],
		groups: Array.from({ length: G }, (_, i) => ({ name: `Group ${i}` })),
		membersPerGroup: Math.min(16, P)
	});
	// Every HTTP exchange first, so the baseline and the idle probe differ only by the sockets
	// and their authentication state (tickets are used up on connecting).
	const ticket = (link: string, name: string) => json(server.port, '/api/tickets', { token: new URLSearchParams(link.split('#')[1]).get('t'), name });
	const tickets = [];
	for (const g of conference.groups) {
		tickets.push({
			g,
			leader: await ticket(g.links.leader, 'Leader'),
			members: await Promise.all(Array.from({ length: P - 1 }, (_, i) => ticket(g.links.member, `Member ${i}`)))
		});
	}
	const organiser = await json(server.port, '/api/conferences/ticket', { token: new URLSearchParams(conference.organiserLink.split('#')[1]).get('t') });
	await baseline();
	const connect = async (t: any) => {
		const client = oursClient(`ws://127.0.0.1:${server.port}/sync/${t.group.id}?ticket=${t.ticket}`);
		await opened(client.ws);
		return client;
	};
	const groups: BenchGroup[] = [];
	const all: BenchClient[] = [];
	for (const { g, leader: lt, members: mt } of tickets) {
		const leader = await connect(lt);
		await until(() => leader.json.some((m) => m.type === 'admitted'), 'leader admitted');
		const members = await Promise.all(mt.map(connect));
		for (const t of mt) leader.ws.send(JSON.stringify({ type: 'admit', participantId: t.participantId }));
		const clients = [leader, ...members];
		await until(() => clients.every((c) => Object.keys(c.doc.getMap('participants').toJSON()).length === P), 'roster synced');
		all.push(...clients);
		groups.push({ writer: leader, clients: members, groupId: g.id, setPhase: (phase) => leader.ws.send(JSON.stringify({ type: 'set-phase', phase })) });
	}
	const overview = oursClient(`ws://127.0.0.1:${server.port}/overview/${organiser.conferenceId}?ticket=${organiser.ticket}`);
	await opened(overview.ws);
	return { groups, overview, all };
}

async function setupBare(server: ProbedServer, baseline: () => Promise<unknown>): Promise<{ groups: BenchGroup[]; all: BenchClient[] }> {
	await baseline();
	const groups: BenchGroup[] = [];
	const all: BenchClient[] = [];
	for (let g = 0; g < G; g++) {
		const clients = Array.from({ length: P }, () => bareClient(`ws://127.0.0.1:${server.port}/group-${g}`));
		await Promise.all(clients.map((c) => opened(c.ws)));
		const writer = clients[0]!;
		writer.doc.getMap('session').set('phase', 'gathering');
		await until(() => clients.every((c) => c.doc.getMap('session').get('phase') === 'gathering'), 'bare synced');
		all.push(...clients);
		groups.push({ writer, clients: clients.slice(1), setPhase: (phase) => writer.doc.getMap('session').set('phase', phase) });
	}
	return { groups, all };
}

/** One server with its clients connected, and what connecting them cost. */
interface Prepared {
	server: ProbedServer;
	groups: BenchGroup[];
	overview?: BenchClient;
	all: BenchClient[];
	perConnectionRss: number;
	perConnectionHeap: number;
}

async function prepare(
	server: ProbedServer,
	setup: (baseline: () => Promise<unknown>) => Promise<{ groups: BenchGroup[]; overview?: BenchClient; all: BenchClient[] }>,
	warmUp: () => Promise<unknown>
): Promise<Prepared> {
	// Sessions opened and ended first, so code loading and V8's compiling of the session path
	// are not counted as connection memory or as memory left behind by sessions.
	await warmUp();
	let before: Probe | undefined;
	const { groups, overview, all } = await setup(async () => (before = await server.probe()));
	if (!before) throw new Error('bench: no baseline');
	await sleep(500);
	const idle = await server.probe();
	const connections = all.length + (overview ? 1 : 0);
	return {
		server,
		groups,
		overview,
		all,
		perConnectionRss: (idle.rss - before.rss) / connections,
		perConnectionHeap: (idle.heapUsed - before.heapUsed) / connections
	};
}

/** Groups at different moments: one group changes phase at a time. */
async function staggered(p: Prepared): Promise<{ latencies: number[]; overview: number[]; cpuPercent: number }> {
	const start = await p.server.probe();
	const started = performance.now();
	const latencies: number[] = [];
	const overview: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		for (const g of p.groups) {
			const r = await change([g], round, p.overview);
			latencies.push(...r.latencies);
			overview.push(...r.overview);
			await sleep(1);
		}
	}
	const cpuPercent = (((await p.server.probe()).cpuMicros - start.cpuMicros) / 1000 / (performance.now() - started)) * 100;
	return { latencies, overview, cpuPercent };
}

/**
 * All groups in the same instant. The two servers take turns round by round (and take turns
 * going first), so whatever else the machine does meanwhile falls on both alike.
 */
async function bursts(a: Prepared, b: Prepared): Promise<[number[], number[]]> {
	const seen: [number[], number[]] = [[], []];
	for (let round = 0; round < BURST_ROUNDS; round++) {
		const order = round % 2 === 0 ? [0, 1] : [1, 0];
		for (const i of order) {
			seen[i]!.push(...(await change([a, b][i]!.groups, ROUNDS + round)).latencies);
			await sleep(20);
		}
	}
	return seen;
}

function disconnect(p: Prepared): void {
	for (const c of p.all) c.close();
	p.overview?.close();
}

/** Opens and ends many sessions; reports what is left behind. */
async function cycles(
	server: ProbedServer,
	ours: boolean,
	total = CYCLES
): Promise<{ documents: number; heapDelta: number; codeDelta: number; resourcesBefore: string[]; resourcesAfter: string[] }> {
	const before = await server.probe();
	const batch = 20;
	for (let i = 0; i < total; i += batch) {
		await Promise.all(
			Array.from({ length: Math.min(batch, total - i) }, async (_, k) => {
				if (ours) {
					const created = await json(server.port, '/api/groups', { name: `Cycle ${i + k}` });
					const { client } = await oursJoin(server.port, created.links.leader, 'Leader');
					await until(() => client.json.some((m) => m.type === 'admitted'), 'cycle admitted');
					const closed = new Promise((r) => client.ws.once('close', r));
					client.ws.send(JSON.stringify({ type: 'end-session' }));
					await closed;
				} else {
					const client = bareClient(`ws://127.0.0.1:${server.port}/cycle-${i + k}`);
					await opened(client.ws);
					client.doc.getMap('session').set('phase', 'opening');
					await sleep(5);
					const closed = new Promise((r) => client.ws.once('close', r));
					client.ws.close();
					await closed;
				}
			})
		);
	}
	await sleep(300);
	const after = await server.probe();
	return {
		documents: after.documents,
		heapDelta: after.heapUsed - before.heapUsed,
		codeDelta: after.codeBytes - before.codeBytes,
		resourcesBefore: before.resources,
		resourcesAfter: after.resources
	};
}

function count(resources: string[]): string {
	const counts = new Map<string, number>();
	for (const r of resources) counts.set(r, (counts.get(r) ?? 0) + 1);
	return [...counts].map(([k, v]) => `${k}×${v}`).join(', ') || 'none';
}

const line = (label: string, value: string, target = '', ok?: boolean) =>
	console.log(`${label.padEnd(48)} ${value.padEnd(46)} ${target}${ok === undefined ? '' : ok ? '  ✓' : '  ✗ MISSED'}`);

console.log(
	`Balint Room bench: ${G} groups x ${P} clients, ${ROUNDS} rounds at different moments, ${BURST_ROUNDS} in the same instant, ${CYCLES} open/end cycles after ${WARM_UP} to warm up; ${cpus().length} cores, Node ${process.version}, servers run with ${NODE_FLAGS.join(' ')}\n`
);
const oursServer = await startProbedServer(PROBED_APP);
const bareServer = await startProbedServer(new URL('./server-bare.ts', import.meta.url));
const oursPrepared = await prepare(
	oursServer,
	(b) => setupOurs(oursServer, b),
	() => cycles(oursServer, true, WARM_UP)
);
const barePrepared = await prepare(
	bareServer,
	(b) => setupBare(bareServer, b),
	() => cycles(bareServer, false, WARM_UP)
);
const oursStaggered = await staggered(oursPrepared);
const bareStaggered = await staggered(barePrepared);
const [oursBurst, bareBurst] = await bursts(oursPrepared, barePrepared);
disconnect(oursPrepared);
disconnect(barePrepared);
const oursCycles = await cycles(oursServer, true);
const bareCycles = await cycles(bareServer, false);
oursServer.stop();
bareServer.stop();
const ours = { ...oursPrepared, ...oursStaggered, staggered: oursStaggered.latencies, burst: oursBurst };
const bare = { ...barePrepared, ...bareStaggered, staggered: bareStaggered.latencies, burst: bareBurst };

const p95 = (v: number[]) => percentile(v, 95);
console.log('Phase propagation to every other client (send -> observed in each replica)');
line('  groups at different moments, Balint Room', dist(ours.staggered), 'target p95 <= 5 ms', p95(ours.staggered) <= 5);
line('  groups at different moments, bare server', dist(bare.staggered));
line('  all groups in the same instant, Balint Room', dist(ours.burst), `target p95 <= 1.1 x bare`, p95(ours.burst) <= 1.1 * p95(bare.burst));
line('  all groups in the same instant, bare server', dist(bare.burst));
line('  ratio of p95 (same instant), ours / bare', `${(p95(ours.burst) / p95(bare.burst)).toFixed(2)}`);
const expected = (ROUNDS + BURST_ROUNDS) * G * (P - 1);
const delivered = ours.staggered.length + ours.burst.length;
line(
	'  leader updates seen by every replica, Balint Room',
	`${delivered} of ${expected} (${expected - delivered} lost)`,
	'target none lost',
	delivered === expected
);
line('  organiser overview sees a phase change', dist(ours.overview), 'target < 1000 ms', percentile(ours.overview, 100) < 1000);
console.log('\nServer memory per idle connection (after gc, includes authentication state)');
line(
	'  Balint Room',
	`${(ours.perConnectionRss / 1024).toFixed(1)} KB RSS, ${(ours.perConnectionHeap / 1024).toFixed(1)} KB heap`,
	'target <= 16 KB (the larger of the two)',
	Math.max(ours.perConnectionRss, ours.perConnectionHeap) <= 16 * 1024
);
line('  bare server', `${(bare.perConnectionRss / 1024).toFixed(1)} KB RSS, ${(bare.perConnectionHeap / 1024).toFixed(1)} KB heap`);
console.log('\nServer CPU while groups change phase at different moments (one core = 100%)');
line('  Balint Room', `${ours.cpuPercent.toFixed(0)}%`);
line('  bare server', `${bare.cpuPercent.toFixed(0)}%`);
console.log(`\n${CYCLES} sessions opened and ended`);
line('  Balint Room: documents left', String(oursCycles.documents), 'target 0', oursCycles.documents === 0);
const heapLine = (c: { heapDelta: number; codeDelta: number }) =>
	`${(c.heapDelta / 1024).toFixed(0)} KB (V8's compiled code ${(c.codeDelta / 1024).toFixed(0)} KB)`;
line('  Balint Room: V8 heap after gc vs before', heapLine(oursCycles), 'target within 1024 KB', Math.abs(oursCycles.heapDelta) <= 1024 * 1024);
line(
	'  Balint Room: open handles before -> after',
	`${count(oursCycles.resourcesBefore)} -> ${count(oursCycles.resourcesAfter)}`,
	'target: no more',
	oursCycles.resourcesAfter.length <= oursCycles.resourcesBefore.length
);
line('  bare server: documents left', String(bareCycles.documents));
line('  bare server: V8 heap after gc vs before', heapLine(bareCycles));
process.exit(0);
