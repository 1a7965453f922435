import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

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
	media: { url: string; apiKey: string; apiSecret: string };
	stop(): void;
}

export function startDevLiveKit(binary: string): DevLiveKit {
	const child: ChildProcess = spawn(binary, ['--dev', '--bind', '127.0.0.1'], { stdio: 'ignore' });
	return {
		// livekit-server --dev listens on 7880 with the key "devkey" and the secret "secret".
		media: { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'secret' },
		stop: () => {
			if (child.exitCode === null) child.kill('SIGTERM');
		}
	};
}
