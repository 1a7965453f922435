import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where the app's own LiveKit server comes from. One version, pinned here: the newest tag
 * whose go.mod has no `replace` directive (later 1.13 tags have three, and `go install`
 * refuses a module with replacements). It is built from LiveKit's Go module into a
 * git-ignored tool folder of the project, once, and reused after.
 */
export const LIVEKIT_VERSION = 'v1.13.5';
export const LIVEKIT_MODULE = 'github.com/livekit/livekit-server/cmd/server';
/** The oldest Go that builds this version (its go.mod says `go 1.26`). */
const GO_MINIMUM = [1, 26] as const;

/** The binary the build puts in the project: `.tools/livekit-<version>/livekit-server`. */
export function toolBinary(projectRoot: string): string {
	return join(projectRoot, '.tools', `livekit-${LIVEKIT_VERSION}`, 'livekit-server');
}

export function executable(file: string): boolean {
	try {
		accessSync(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

export function findOnPath(command: string, path = process.env.PATH ?? ''): string | null {
	for (const dir of path.split(delimiter)) {
		if (dir && executable(join(dir, command))) return join(dir, command);
	}
	return null;
}

/**
 * The project's own build of the pinned version first (the configuration is written for it),
 * else a `livekit-server` on PATH.
 */
export function findLiveKit(projectRoot: string, path = process.env.PATH ?? ''): string | null {
	const built = toolBinary(projectRoot);
	return executable(built) ? built : findOnPath('livekit-server', path);
}

/** Calls `each` with every whole line a child's output stream prints. */
export function forEachLine(stream: NodeJS.ReadableStream | null, each: (line: string) => void): void {
	let partial = '';
	stream?.on('data', (chunk: Buffer) => {
		const lines = (partial + chunk.toString()).split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) if (line.trim()) each(line);
	});
}

/** Go's version as [major, minor], or null when there is no Go (or `go` fails). */
export function goVersion(): [number, number] | null {
	const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
	const match = /^go(\d+)\.(\d+)/.exec(result.stdout?.trim() ?? '');
	return result.status === 0 && match ? [Number(match[1]), Number(match[2])] : null;
}

export function goCanBuild(version = goVersion()): boolean {
	if (!version) return false;
	const [major, minor] = version;
	return major > GO_MINIMUM[0] || (major === GO_MINIMUM[0] && minor >= GO_MINIMUM[1]);
}

/**
 * The build with its progress told in lines: one every 50 packages, and at least every 10 s, so
 * a long first build visibly moves. Used by `npm run livekit` and by `npm start`.
 */
export function buildLiveKitSaying(projectRoot: string, say: (line: string) => void): Promise<string> {
	const started = Date.now();
	let last = started;
	return buildLiveKit(projectRoot, {
		onPackage: (name, count) => {
			if (count % 50 !== 0 && Date.now() - last < 10_000) return;
			last = Date.now();
			say(`  ${count} packages, ${Math.round((last - started) / 1000)} s: ${name}`);
		}
	});
}

export interface BuildProgress {
	/** Called for each package Go compiles (its name), with how many so far. */
	onPackage?: (name: string, count: number) => void;
}

/**
 * Builds the pinned LiveKit server with `go install` into the tool folder. `-v` prints each
 * package as it is built, which is the progress shown. The first build on a fresh machine
 * downloads and compiles about 900 packages; Go's caches make the next one quick.
 */
export function buildLiveKit(projectRoot: string, progress: BuildProgress = {}): Promise<string> {
	const target = toolBinary(projectRoot);
	const folder = join(target, '..');
	mkdirSync(folder, { recursive: true });
	const gobin = mkdtempSync(join(folder, 'build-'));
	return new Promise((resolve, reject) => {
		const child = spawn('go', ['install', '-v', `${LIVEKIT_MODULE}@${LIVEKIT_VERSION}`], {
			env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: '-trimpath' },
			stdio: ['ignore', 'ignore', 'pipe']
		});
		let count = 0;
		let tail = '';
		// Go builds for minutes: if the app stops meanwhile, the build stops with it.
		const reap = () => child.kill('SIGKILL');
		process.once('exit', reap);
		child.once('exit', () => process.off('exit', reap));
		forEachLine(child.stderr, (line) => {
			tail = (tail + line + '\n').slice(-4000);
			// Package lines are bare import paths; "go: downloading …" and errors are not.
			if (/^[\w.-]+(\/[\w.@+-]+)+$/.test(line.trim())) progress.onPackage?.(line.trim(), ++count);
		});
		child.on('error', (error) => {
			rmSync(gobin, { recursive: true, force: true });
			reject(new Error(`could not run go: ${error.message}`));
		});
		child.on('exit', (code) => {
			if (code !== 0) {
				rmSync(gobin, { recursive: true, force: true });
				reject(new Error(`go install ${LIVEKIT_MODULE}@${LIVEKIT_VERSION} failed (exit ${code}):\n${tail.trim()}`));
				return;
			}
			try {
				// Go names the binary after its folder (`server`); the app and operators know it as livekit-server.
				renameSync(join(gobin, 'server'), target);
				resolve(target);
			} catch (error) {
				reject(new Error(`the built LiveKit could not be put in place: ${(error as Error).message}`));
			} finally {
				rmSync(gobin, { recursive: true, force: true });
			}
		});
	});
}
