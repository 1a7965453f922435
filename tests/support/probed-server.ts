import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Probe } from './probe-ipc';

/**
 * Servers run with the V8 flag `npm start` uses (package.json): a young generation of at most
 * 2 x 2 MB. Without it V8 grows the young generation to 32 MB under a burst of admissions and
 * keeps it, a fixed cost that a per-connection memory figure would otherwise count.
 */
export const NODE_FLAGS = ['--max-semi-space-size=2'];

/** A server in a child process of its own that answers probes (probe-ipc.ts). */
export interface ProbedServer {
	port: number;
	pid: number;
	probe(): Promise<Probe>;
	/** Still running: it has neither exited nor crashed. */
	alive(): boolean;
	stop(): void;
}

/** Balint Room's own server core as a probed child (the crash and fuzz tests, the benchmarks). */
export const PROBED_APP = new URL('./probed-app.ts', import.meta.url);

/** Forks a probed server (`PROBED_APP`, or the bench's bare baseline) and waits until it listens. */
export async function startProbedServer(file: URL, env: Record<string, string> = {}): Promise<ProbedServer> {
	const child: ChildProcess = fork(fileURLToPath(file), [], {
		execArgv: [...NODE_FLAGS, '--import', 'tsx'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		env: { ...process.env, ...env }
	});
	const port = await new Promise<number>((resolve, reject) => {
		child.once('message', (m: { type: string; port: number }) => (m.type === 'ready' ? resolve(m.port) : reject(new Error('unexpected'))));
		child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
	});
	return {
		port,
		pid: child.pid!,
		probe: () =>
			new Promise((resolve, reject) => {
				if (child.exitCode !== null || child.signalCode !== null) return reject(new Error('server has exited'));
				const on = (m: { type: string; probe: Probe }) => {
					if (m.type !== 'probe') return;
					child.off('message', on);
					resolve(m.probe);
				};
				child.on('message', on);
				child.send({ type: 'probe' });
			}),
		alive: () => child.exitCode === null && child.signalCode === null,
		stop: () => child.kill('SIGKILL')
	};
}
