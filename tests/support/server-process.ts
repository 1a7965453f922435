import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** This process's PATH without the folders that hold `program`. */
function pathWithout(program: string): string {
	return (process.env.PATH ?? '')
		.split(delimiter)
		.filter((dir) => dir && !existsSync(join(dir, program)))
		.join(delimiter);
}

export interface ServerProcess {
	url: string;
	port: number;
	/** Everything the server printed so far (stdout and stderr). */
	output(): string;
	/** Kills the process (SIGKILL to simulate a crash, SIGTERM for a clean stop). */
	stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the built server (`npm run build` first) as its own process, with the flags `npm start` uses,
 * on the given port or a free one.
 */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
	const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=2', '--import', 'tsx', 'server/index.ts'], {
		env: {
			...process.env,
			// `npm start` runs a livekit-server it finds (on PATH or the project's own build) on
			// port 7880: test servers never do unless a test asks (VIDEO=on and a free LIVEKIT_PORT).
			PATH: pathWithout('livekit-server'),
			VIDEO: 'off',
			PORT: '0',
			HOST: '127.0.0.1',
			EMPTY_ROOM_GRACE_SECONDS: '2',
			HEARTBEAT_SECONDS: '2',
			RATE_LIMIT_PER_MINUTE: '10000',
			LOG_LEVEL: 'info',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	// A test or bench that dies mid-way takes its server with it (and the server its LiveKit).
	const reap = () => child.kill('SIGKILL');
	process.once('exit', reap);
	child.once('exit', () => process.off('exit', reap));
	let output = '';
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => {
			// Not left running (with a LiveKit of its own, perhaps) after the test gave up on it.
			child.kill('SIGKILL');
			reject(new Error(`server did not start:\n${output}`));
		}, 30_000);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /ready: open (http:\/\/[^\s/]+)/.exec(output);
			if (match?.[1]) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}:\n${output}`));
		});
	});
	return {
		url,
		port: Number(new URL(url).port),
		output: () => output,
		async stop(signal: NodeJS.Signals = 'SIGTERM') {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			child.kill(signal);
			await exited;
		}
	};
}
