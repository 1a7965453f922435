import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from './log';

/**
 * When no LiveKit is configured but `livekit-server` is on PATH, `npm start` runs it in
 * `--dev` mode (its fixed development keys, loopback only) and stops it on exit.
 */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | null {
	for (const dir of path.split(delimiter)) {
		if (!dir) continue;
		const candidate = join(dir, command);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return null;
}

export interface DevLiveKit {
	/** The media settings; `available` turns false when the process is gone, and `whenGone` says so. */
	media: { url: string; apiKey: string; apiSecret: string; available: () => boolean; whenGone: (listener: () => void) => void };
	/** False once it failed to start or exited: the app then offers no video. */
	readonly running: boolean;
	stop(): void;
}

export function startDevLiveKit(binary: string, logger?: Logger): DevLiveKit {
	let running = true;
	let stopping = false;
	const listeners: (() => void)[] = [];
	const child: ChildProcess = spawn(binary, ['--dev', '--bind', '127.0.0.1'], { stdio: 'ignore' });
	// Without these a failed spawn is an unhandled 'error' that ends the app, and a process that
	// died (e.g. port 7880 busy) would leave every room offering video that cannot connect.
	const gone = (why: Record<string, unknown>) => {
		if (!running) return;
		running = false;
		if (stopping) return;
		logger?.warn(why, 'video: livekit-server is not running; rooms now run without video');
		for (const listener of listeners) listener();
	};
	child.on('error', (error) => gone({ err: { message: error.message } }));
	child.on('exit', (code, signal) => gone({ code, signal }));
	return {
		// livekit-server --dev listens on 7880 with the key "devkey" and the secret "secret".
		media: { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'secret', available: () => running, whenGone: (listener) => void listeners.push(listener) },
		get running() {
			return running;
		},
		stop: () => {
			stopping = true;
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		}
	};
}

/** `npm start` without LIVEKIT_*: runs `livekit-server --dev` when it is on PATH, else null. */
export function devLiveKitFromPath(logger: Logger, path = process.env.PATH ?? ''): DevLiveKit | null {
	const binary = findOnPath('livekit-server', path);
	if (!binary) return null;
	logger.info('video: starting livekit-server --dev on 127.0.0.1:7880');
	return startDevLiveKit(binary, logger);
}
