/**
 * media-scale.ts's subscribers, a few per child process (subscriber-worker.ts): rtc-node's
 * connects fail from about the 9th-11th participant in one process, and a bench process busy
 * decoding for dozens cannot also answer the app's sockets in time. The parent keeps the app's
 * sockets; the children hold the media participants and report over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { usage } from './proc-usage';

/** The subscriber processes' niceness (`BENCH_MEDIA_SUBSCRIBER_NICE`, 0 to run them like the rest). */
const SUBSCRIBER_NICE = Number(process.env.BENCH_MEDIA_SUBSCRIBER_NICE ?? 19);

export type ToWorker =
	| {
			type: 'join';
			id: number;
			url: string;
			token: string;
			mediaKey: string;
			toneHz: number;
			keepReading: boolean;
			/** How many pictures to wait for, and whose tones. */
			pictures: number;
			toned: string[];
			limitMs: number;
			connectTimeoutMs: number;
	  }
	| { type: 'frames'; id: number }
	| { type: 'leave' };

export type FromWorker =
	| { type: 'ready' }
	| { type: 'connected'; id: number; at: number }
	| { type: 'decoded'; id: number; pictures: number[]; tones: number[] }
	| { type: 'failed'; id: number; message: string }
	| { type: 'frames'; id: number; frames: number }
	| { type: 'dropped-handle' };

/** One subscriber's times on the machine's clock (epoch ms). */
export interface PooledSubscriber {
	id: number;
	connectedAt: number;
	/** Resolves with the first decoded frame of every picture and every tone asked for, or rejects. */
	decoded: Promise<{ pictures: number[]; tones: number[] }>;
}

export type JoinRequest = Omit<Extract<ToWorker, { type: 'join' }>, 'type' | 'id'>;

export class SubscriberPool {
	readonly #perProcess: number;
	readonly #workers: ChildProcess[] = [];
	readonly #waiting = new Map<string, (m: FromWorker) => void>();
	#next = 0;
	droppedHandles = 0;

	constructor(perProcess: number) {
		this.#perProcess = perProcess;
	}

	get processes(): number {
		return this.#workers.length;
	}

	async #worker(index: number): Promise<ChildProcess> {
		const known = this.#workers[index];
		if (known) return known;
		const child = fork(fileURLToPath(new URL('./subscriber-worker.ts', import.meta.url)), [], {
			// At the lowest CPU priority (`nice -n 19`, every thread of it): on this one machine the
			// 40 decoders would otherwise starve what is measured (LiveKit, the app, the publishers,
			// the app's sockets in the bench process: a starved loop misses its heartbeat, 1006). On
			// real computers each subscriber has its own CPU; here they get what is left over.
			execPath: SUBSCRIBER_NICE > 0 ? 'nice' : process.execPath,
			execArgv: [...(SUBSCRIBER_NICE > 0 ? ['-n', String(SUBSCRIBER_NICE), process.execPath] : []), '--import', 'tsx'],
			// rtc-node logs every connection at debug level unless NODE_ENV says production.
			env: { ...process.env, NODE_ENV: 'production' },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		this.#workers[index] = child;
		child.on('message', (m: FromWorker) => {
			if (m.type === 'dropped-handle') return void this.droppedHandles++;
			const key =
				m.type === 'ready' ? `ready:${index}` : `${m.type === 'frames' ? 'frames' : m.type === 'connected' ? 'connected' : 'done'}:${'id' in m ? m.id : ''}`;
			this.#waiting.get(key)?.(m);
		});
		child.once('exit', (code) => {
			// A worker that dies fails every subscriber it still owed an answer.
			for (const [key, settle] of this.#waiting) {
				const [kind, n] = key.split(':');
				const mine = kind === 'ready' ? Number(n) === index : Math.floor(Number(n) / this.#perProcess) === index;
				if (mine) settle({ type: 'failed', id: -1, message: `a subscriber process exited (${code})` });
			}
		});
		await this.#answer(`ready:${index}`, 30_000);
		return child;
	}

	#answer(key: string, timeoutMs: number): Promise<FromWorker> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => settle({ type: 'failed', id: -1, message: `no answer from a subscriber process within ${timeoutMs} ms` }), timeoutMs);
			const settle = (m: FromWorker) => {
				clearTimeout(timer);
				this.#waiting.delete(key);
				resolve(m);
			};
			this.#waiting.set(key, settle);
		});
	}

	/** Joins one more subscriber in the next process with room; resolves once it is connected. */
	async join(request: JoinRequest): Promise<PooledSubscriber> {
		const id = this.#next++;
		const child = await this.#worker(Math.floor(id / this.#perProcess));
		const connected = this.#answer(`connected:${id}`, request.connectTimeoutMs + 5000);
		const done = this.#answer(`done:${id}`, request.connectTimeoutMs + request.limitMs + 10_000);
		child.send({ type: 'join', id, ...request } satisfies ToWorker);
		// A failure before connecting arrives as "done": whichever comes first.
		const first = await Promise.race([connected, done]);
		if (first.type === 'failed') throw new Error(first.message);
		if (first.type !== 'connected') throw new Error(`subscriber ${id + 1}: unexpected ${first.type}`);
		const decoded = done.then((m) => {
			if (m.type === 'decoded') return { pictures: m.pictures, tones: m.tones };
			throw new Error(m.type === 'failed' ? m.message : `subscriber ${id + 1}: unexpected ${m.type}`);
		});
		return { id, connectedAt: first.at, decoded };
	}

	/** Frames the subscriber has copied into JavaScript so far (only one that keeps reading counts on). */
	async frames(id: number): Promise<number> {
		const child = this.#workers[Math.floor(id / this.#perProcess)];
		if (!child?.connected) return 0;
		const answer = this.#answer(`frames:${id}`, 10_000);
		child.send({ type: 'frames', id } satisfies ToWorker);
		const m = await answer;
		return m.type === 'frames' ? m.frames : 0;
	}

	/** CPU seconds and resident MB of every subscriber process. */
	usage(): { cpu: number; rssMb: number } {
		return this.#workers.reduce(
			(sum, w) => {
				const u = w.pid ? usage(w.pid) : { cpu: 0, rssMb: 0 };
				return { cpu: sum.cpu + u.cpu, rssMb: sum.rssMb + u.rssMb };
			},
			{ cpu: 0, rssMb: 0 }
		);
	}

	/** Every subscriber leaves and every process ends. */
	async close(): Promise<void> {
		await Promise.all(
			this.#workers.splice(0).map(
				(w) =>
					new Promise<void>((resolve) => {
						if (w.exitCode !== null || w.signalCode !== null || !w.connected) return resolve();
						const kill = setTimeout(() => w.kill('SIGKILL'), 15_000);
						w.once('exit', () => (clearTimeout(kill), resolve()));
						w.send({ type: 'leave' } satisfies ToWorker);
					})
			)
		);
	}
}
