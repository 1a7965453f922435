import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Logger } from './log';

/**
 * The LiveKit server that `npm start` runs itself when no LIVEKIT_* is configured: the single
 * owner of that process. Its configuration is made fresh on every start and handed over in
 * the LIVEKIT_CONFIG environment variable (LiveKit's own `--config-body`), so no file holds
 * its keys, not even for a moment, and nothing is left behind if the app is killed:
 * - a random API key and secret per start (never LiveKit's public development keys);
 * - signalling on loopback only, ICE on 127.0.0.1 (what a browser on this machine needs),
 *   with no external-IP lookup and no third-party STUN server handed to browsers;
 * - `room.auto_create: false`: only the app creates media rooms, a stale token cannot;
 * - the webhook pointed at the app, signed with the same key;
 * - log level `warn`, at which LiveKit prints no participant or room names.
 * If the process dies it is started again (a crash costs the group seconds, not its video);
 * after too many quick deaths the app gives up and rooms run without video.
 */
export interface LocalLiveKitOptions {
	binary: string;
	/** Signalling port; RTC over TCP uses the next port and over UDP the one after. */
	port: number;
	logger?: Logger;
	/** Each line LiveKit prints (tests read them; the app logs them at warn). */
	onOutput?: (line: string) => void;
	/** Restarts allowed within a minute before giving up. */
	maxRestarts?: number;
	/** How long to wait for a start before calling it failed. */
	readyTimeoutMs?: number;
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

export function liveKitConfig(options: { port: number; apiKey: string; apiSecret: string; webhookUrl: string; logLevel?: 'warn' | 'debug' }): Record<string, unknown> {
	const { port, apiKey, apiSecret, webhookUrl, logLevel = 'warn' } = options;
	return {
		port,
		bind_addresses: ['127.0.0.1'],
		rtc: {
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

async function answers(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
		return response.ok;
	} catch {
		return false;
	}
}

export function localLiveKit(options: LocalLiveKitOptions): LocalLiveKit {
	const { binary, port, logger } = options;
	const apiKey = `API${randomBytes(6).toString('hex')}`;
	const apiSecret = randomBytes(32).toString('base64url');
	let config = '';
	const signalling = `http://127.0.0.1:${port}`;
	const maxRestarts = options.maxRestarts ?? 5;
	const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;

	let child: ChildProcess | null = null;
	let running = false;
	let stopped = false;
	let gaveUp = false;
	let starts = 0;
	const recentStarts: number[] = [];
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

	const launch = () => {
		const now = Date.now();
		recentStarts.push(now);
		while (recentStarts.length && recentStarts[0]! < now - 60_000) recentStarts.shift();
		if (recentStarts.length > maxRestarts + 1) return giveUp({ starts: recentStarts.length });
		starts += 1;
		const current = spawn(binary, [], {
			env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', LIVEKIT_CONFIG: config },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		child = current;
		// An app that exits for any reason (an uncaught error too) takes its LiveKit with it.
		const reap = () => current.kill('SIGKILL');
		process.once('exit', reap);
		current.once('exit', () => process.off('exit', reap));
		let partial = '';
		const read = (chunk: Buffer) => {
			const lines = (partial + chunk.toString()).split('\n');
			partial = lines.pop() ?? '';
			for (const line of lines) if (line.trim()) options.onOutput?.(line);
		};
		current.stdout?.on('data', read);
		current.stderr?.on('data', read);
		// Without this a failed spawn is an unhandled 'error' that ends the app.
		current.on('error', (error) => giveUp({ err: { message: error.message } }));
		current.on('exit', (code, signal) => {
			if (child === current) child = null;
			const wasRunning = running;
			running = false;
			if (stopped || gaveUp) return;
			logger?.warn({ code, signal }, 'video: livekit-server exited; starting it again');
			// A quick death right after a start is a configuration problem: back off a little.
			setTimeout(launch, wasRunning ? 200 : 1000).unref();
		});
		const deadline = Date.now() + readyTimeoutMs;
		const poll = async () => {
			while (!stopped && child === current && Date.now() < deadline) {
				if (await answers(signalling)) {
					if (child !== current) return;
					running = true;
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
			const current = child;
			if (!current || current.exitCode !== null || current.signalCode !== null) return;
			const exited = new Promise((r) => current.once('exit', r));
			current.kill('SIGTERM');
			const timer = setTimeout(() => current.kill('SIGKILL'), 3000);
			await exited;
			clearTimeout(timer);
		}
	};
}
