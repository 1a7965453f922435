import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { RoomServiceClient } from 'livekit-server-sdk';
import { executable, findOnPath, forEachLine } from './livekit-binary';
import type { Logger } from './log';

/**
 * The LiveKit server that `npm start` runs itself when no LIVEKIT_* is configured: the single
 * owner of that process. Its configuration is made fresh on every start and handed over in
 * the LIVEKIT_CONFIG environment variable (LiveKit's own `--config-body`), so no file holds
 * its keys, not even for a moment:
 * - a random API key and secret per start (never LiveKit's public development keys);
 * - signalling on loopback only, ICE on 127.0.0.1 (what a browser on this machine needs),
 *   with no external-IP lookup and no third-party STUN server handed to browsers;
 * - `room.auto_create: false`: only the app creates media rooms, a stale token cannot;
 * - the webhook pointed at the app, signed with the same key;
 * - log level `warn`, at which LiveKit prints no display names (a test searches its output).
 * If the process dies it is started again (a crash costs the group seconds, not its video);
 * after six starts in a row that never answered, or seven starts within a minute, the app
 * gives up and rooms run without video. If the app dies, even by SIGKILL, the kernel takes
 * LiveKit with it (setpriv's parent-death signal, where util-linux is installed, as on Debian).
 */
export interface LocalLiveKitOptions {
	binary: string;
	/** Signalling port; RTC over TCP uses the next port and over UDP the one after. */
	port: number;
	logger?: Logger;
	/** Each line LiveKit prints (tests read them; the app logs them at warn). */
	onOutput?: (line: string) => void;
	/** Restarts allowed within a minute, and starts in a row that never answer, before giving up (default 5). */
	maxRestarts?: number;
	/** How long to wait for a start before calling it failed. */
	readyTimeoutMs?: number;
	/** Wait before starting again after a crash (default 200 ms; 1 s after a start that never answered). */
	restartDelayMs?: number;
	/** `debug` only to find out why media does not flow (it prints room and participant ids). */
	logLevel?: 'warn' | 'debug';
}

export interface LocalLiveKit {
	media: { url: string; apiKey: string; apiSecret: string; available: () => boolean; whenGone: (listener: () => void) => void };
	/**
	 * Starts the process once the app listens (the webhook needs the app's address). Resolves
	 * true once LiveKit answers, false when it could not be started at all.
	 */
	start(webhookUrl: string): Promise<boolean>;
	/** The running process's id, or null between restarts and after the end. */
	readonly pid: number | null;
	readonly running: boolean;
	/** How many times it was started (1 for the first start). */
	readonly starts: number;
	stop(): Promise<void>;
}

export function liveKitConfig(options: {
	port: number;
	apiKey: string;
	apiSecret: string;
	webhookUrl: string;
	logLevel?: 'warn' | 'debug';
}): Record<string, unknown> {
	const { port, apiKey, apiSecret, webhookUrl, logLevel = 'warn' } = options;
	return {
		port,
		bind_addresses: ['127.0.0.1'],
		rtc: {
			// LiveKit listens for ICE over TCP on every address (its code takes no address for it);
			// it answers only ICE checks with this room's credentials. Turning it off (0) stops
			// media altogether in this version.
			tcp_port: port + 1,
			udp_port: port + 2,
			use_external_ip: false,
			node_ip: '127.0.0.1',
			// LiveKit otherwise hands every browser Google's and Twilio's STUN servers: a request
			// to a third party. Its own UDP port is the harmless stand-in.
			stun_servers: [`127.0.0.1:${port + 2}`],
			// Candidates on loopback only: a browser on this machine sends media to 127.0.0.1 and
			// nowhere else (loopback is skipped unless asked for).
			ips: { includes: ['127.0.0.1/32'] },
			enable_loopback_candidate: true
		},
		turn: { enabled: false },
		keys: { [apiKey]: apiSecret },
		room: { auto_create: false, empty_timeout: 300, departure_timeout: 60 },
		webhook: { api_key: apiKey, urls: [webhookUrl] },
		logging: { level: logLevel, pion_level: logLevel === 'debug' ? 'debug' : 'error', json: true }
	};
}

/** LiveKit is up and it is ours: its room API answers our own key (a stray process on the port would not). */
async function answers(rooms: RoomServiceClient): Promise<boolean> {
	try {
		await Promise.race([rooms.listRooms(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref())]);
		return true;
	} catch {
		return false;
	}
}

export function localLiveKit(options: LocalLiveKitOptions): LocalLiveKit {
	const { binary, port, logger } = options;
	const apiKey = `API${randomBytes(6).toString('hex')}`;
	const apiSecret = randomBytes(32).toString('base64url');
	let config = '';
	const rooms = new RoomServiceClient(`http://127.0.0.1:${port}`, apiKey, apiSecret);
	const maxRestarts = options.maxRestarts ?? 5;
	const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
	// With setpriv (util-linux), the kernel kills LiveKit if the app dies, even by SIGKILL.
	const setpriv = findOnPath('setpriv');
	const [command, args] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', binary]] : [binary, []];

	let child: ChildProcess | null = null;
	let running = false;
	let stopped = false;
	let gaveUp = false;
	let starts = 0;
	/** Starts in a row that never answered: a configuration problem, not a crash. */
	let failedInARow = 0;
	const recentStarts: number[] = [];
	let restartTimer: ReturnType<typeof setTimeout> | null = null;
	const goneListeners: (() => void)[] = [];
	let markReady: (ok: boolean) => void = () => undefined;
	const ready = new Promise<boolean>((resolve) => (markReady = resolve));

	const giveUp = (why: Record<string, unknown>) => {
		if (gaveUp) return;
		gaveUp = true;
		running = false;
		markReady(false);
		logger?.warn(why, 'video: livekit-server is not running; rooms now run without video');
		for (const listener of goneListeners) listener();
	};

	const restartLater = (ms: number) => {
		restartTimer = setTimeout(() => {
			restartTimer = null;
			launch();
		}, ms);
		restartTimer.unref();
	};

	const launch = () => {
		if (stopped || gaveUp) return;
		const now = Date.now();
		recentStarts.push(now);
		while (recentStarts.length && recentStarts[0]! < now - 60_000) recentStarts.shift();
		if (recentStarts.length > maxRestarts + 1 || failedInARow > maxRestarts) return giveUp({ starts: recentStarts.length, failedInARow });
		// Gone (or never there): no use trying again.
		if (!executable(binary)) return giveUp({ missing: binary });
		starts += 1;
		const current = spawn(command, args, {
			env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', LIVEKIT_CONFIG: config },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		child = current;
		let answered = false;
		// An app that exits for any reason (an uncaught error too) takes its LiveKit with it.
		const reap = () => current.kill('SIGKILL');
		process.once('exit', reap);
		current.once('exit', () => process.off('exit', reap));
		forEachLine(current.stdout, (line) => options.onOutput?.(line));
		forEachLine(current.stderr, (line) => options.onOutput?.(line));
		// Without this a failed spawn is an unhandled 'error' that ends the app.
		current.on('error', (error) => giveUp({ err: { message: error.message } }));
		current.on('exit', (code, signal) => {
			if (child === current) child = null;
			running = false;
			if (!answered) {
				failedInARow += 1;
				if (starts === 1) markReady(false);
			}
			if (stopped || gaveUp) return;
			logger?.warn({ code, signal }, 'video: livekit-server exited; starting it again');
			// A quick death right after a start is a configuration problem: back off a little.
			restartLater(answered ? (options.restartDelayMs ?? 200) : 1000);
		});
		const deadline = Date.now() + readyTimeoutMs;
		const poll = async () => {
			while (!stopped && child === current && Date.now() < deadline) {
				if (await answers(rooms)) {
					if (child !== current) return;
					answered = true;
					running = true;
					failedInARow = 0;
					logger?.info({ pid: current.pid, port, starts }, 'video: livekit-server is running');
					markReady(true);
					return;
				}
				await new Promise((r) => setTimeout(r, 100));
			}
			if (!stopped && child === current) {
				logger?.warn({ port }, 'video: livekit-server did not answer in time');
				current.kill('SIGKILL');
			}
		};
		void poll();
	};

	return {
		media: {
			url: `ws://127.0.0.1:${port}`,
			apiKey,
			apiSecret,
			// Between a crash and the restart, calls fail and clients retry; video is off only once given up.
			available: () => !gaveUp && !stopped,
			whenGone: (listener) => void goneListeners.push(listener)
		},
		start(webhookUrl) {
			if (!config) {
				config = JSON.stringify(liveKitConfig({ port, apiKey, apiSecret, webhookUrl, logLevel: options.logLevel }));
				launch();
			}
			return ready;
		},
		get pid() {
			return running ? (child?.pid ?? null) : null;
		},
		get running() {
			return running;
		},
		get starts() {
			return starts;
		},
		async stop() {
			stopped = true;
			markReady(false);
			if (restartTimer) clearTimeout(restartTimer);
			restartTimer = null;
			const current = child;
			if (!current || current.exitCode !== null || current.signalCode !== null) return;
			const exited = new Promise((r) => current.once('exit', r));
			// LiveKit's first SIGTERM waits for every participant to leave; a second one stops it now.
			current.kill('SIGTERM');
			const again = setTimeout(() => current.kill('SIGTERM'), 100);
			const timer = setTimeout(() => current.kill('SIGKILL'), 3000);
			await exited;
			clearTimeout(again);
			clearTimeout(timer);
		}
	};
}
