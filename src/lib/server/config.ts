import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import * as v from 'valibot';
import { SOCKET_LIMITS, type SocketLimits } from './socket-budget';

/**
 * All configuration, read and validated in one place at start-up. Every setting has an
 * embedded default, so `npm start` needs nothing else; a bad value stops start-up with a
 * message that names the variable.
 */
export interface Config {
	port: number;
	host: string;
	/** Public origin used in links (e.g. https://balint.example.org); from the request when unset. */
	publicOrigin: string | null;
	organiserKey: string | null;
	/** HMAC key that signs links and seats. */
	linkSecret: Buffer;
	linkSecretSource: 'env' | 'file';
	linkSecretFile: string | null;
	/** Where the server keeps its own files: the signing key (unless LINK_SECRET) and which links were replaced. */
	dataDir: string;
	linkTtlDays: number;
	/** A group with a meeting series: its links expire this many days after its last meeting ends, instead of `linkTtlDays`. */
	linkDaysAfterLastMeeting: number;
	ticketTtlSeconds: number;
	emptyRoomGraceSeconds: number;
	heartbeatSeconds: number;
	rateLimitPerMinute: number;
	/** Addresses of the operator's own reverse proxies, whose X-Forwarded-For is believed. */
	trustedProxies: string[];
	logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
	/**
	 * LiveKit, when configured; null runs the room without video. `available` (the dev
	 * livekit-server's liveness) turns video off while the app runs; `whenGone` tells the app
	 * the moment it does, so that people already in a room are told too.
	 */
	media: { url: string; apiKey: string; apiSecret: string; available?: () => boolean; whenGone?: (listener: () => void) => void } | null;
	/**
	 * Without LIVEKIT_*: `auto` runs the project's own LiveKit when it can (building it once
	 * when Go is there), `on` refuses to start without video, `off` never offers video.
	 */
	video: 'auto' | 'on' | 'off';
	/** Signalling port of the LiveKit the app runs itself; RTC uses the next two. */
	localLiveKitPort: number;
	/** One socket's share of the server (`socket-budget.ts`). */
	socketLimits: SocketLimits;
	/** Open sockets one client address may hold at once (a clinic or a conference behind one NAT holds many). */
	socketsPerAddress: number;
}

export class ConfigError extends Error {}

const intIn = (min: number, max: number) =>
	v.pipe(v.string(), v.trim(), v.regex(/^\d+$/, 'must be a whole number'), v.transform(Number), v.minValue(min), v.maxValue(max));

const EnvSchema = v.object({
	PORT: v.optional(intIn(0, 65535), '3000'),
	HOST: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), '127.0.0.1'),
	PUBLIC_ORIGIN: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.url('must be a URL such as https://balint.example.org'),
			v.regex(/^https?:\/\/[^/]+\/?$/, 'must be an origin only, such as https://balint.example.org')
		)
	),
	ORGANISER_KEY: v.optional(v.pipe(v.string(), v.minLength(16, 'must be at least 16 characters'))),
	LINK_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters'))),
	DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './data'),
	LINK_TTL_DAYS: v.optional(intIn(1, 3650), '180'),
	LINK_DAYS_AFTER_LAST_MEETING: v.optional(intIn(0, 3650), '30'),
	TICKET_TTL_SECONDS: v.optional(intIn(5, 600), '30'),
	EMPTY_ROOM_GRACE_SECONDS: v.optional(intIn(0, 86400), '60'),
	HEARTBEAT_SECONDS: v.optional(intIn(1, 300), '15'),
	RATE_LIMIT_PER_MINUTE: v.optional(intIn(1, 100000), '120'),
	TRUST_PROXY: v.optional(
		v.pipe(
			v.string(),
			v.transform((list) =>
				list
					.split(',')
					.map((a) => a.trim())
					.filter(Boolean)
			),
			v.check((list) => list.length > 0 && list.every((a) => isIP(a) !== 0), 'must be a comma-separated list of IP addresses, such as 127.0.0.1,::1')
		)
	),
	LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'silent']), 'info'),
	LIVEKIT_URL: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^(wss?|https?):\/\/[^\s/]+\/?$/, 'must be a LiveKit address such as wss://media.example.org'))),
	LIVEKIT_API_KEY: v.optional(v.pipe(v.string(), v.trim(), v.minLength(3))),
	LIVEKIT_API_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters'))),
	VIDEO: v.optional(v.picklist(['auto', 'on', 'off'], 'must be auto, on or off'), 'auto'),
	LIVEKIT_PORT: v.optional(intIn(1, 65533), '7880'),
	SOCKET_MESSAGES_PER_SECOND: v.optional(intIn(1, 1000), String(SOCKET_LIMITS.perSecond)),
	SOCKET_MESSAGE_BURST: v.optional(intIn(1, 10000), String(SOCKET_LIMITS.burst)),
	SOCKET_SEND_BUFFER_KB: v.optional(intIn(64, 65536), String(SOCKET_LIMITS.maxBuffered / 1024)),
	SOCKETS_PER_ADDRESS: v.optional(intIn(1, 100000), '500')
});

/** Reads the signing key file, creating it (mode 0600) on first start so links survive restarts. */
function loadOrCreateSecret(dataDir: string): { secret: Buffer; file: string } {
	const dir = resolve(dataDir);
	const file = join(dir, 'link-signing-key');
	if (existsSync(file)) {
		const text = readFileSync(file, 'utf8').trim();
		if (!/^[0-9a-f]{64,}$/.test(text))
			throw new ConfigError(`${file} is not a valid signing key (64+ hex characters). Delete it to make a new one; existing links stop working.`);
		return { secret: Buffer.from(text, 'hex'), file };
	}
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const secret = randomBytes(32);
	writeFileSync(file, secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
	chmodSync(file, 0o600);
	return { secret, file };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const picked: Record<string, string> = {};
	for (const key of Object.keys(EnvSchema.entries)) {
		const value = env[key];
		if (value !== undefined && value !== '') picked[key] = value;
	}
	const result = v.safeParse(EnvSchema, picked);
	if (!result.success) {
		const lines = result.issues.map((issue) => {
			const key = issue.path?.map((p) => String(p.key)).join('.') ?? '?';
			return `  ${key}: ${issue.message}`;
		});
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	const e = result.output;
	let linkSecret: Buffer;
	let linkSecretFile: string | null = null;
	if (e.LINK_SECRET) linkSecret = Buffer.from(e.LINK_SECRET, 'utf8');
	else ({ secret: linkSecret, file: linkSecretFile } = loadOrCreateSecret(e.DATA_DIR));
	const mediaKeys = [e.LIVEKIT_URL, e.LIVEKIT_API_KEY, e.LIVEKIT_API_SECRET].filter(Boolean).length;
	if (mediaKeys !== 0 && mediaKeys !== 3) {
		throw new ConfigError(
			'Invalid configuration:\n  LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET: set all three for video, or none to run without video'
		);
	}
	return {
		port: e.PORT,
		host: e.HOST,
		publicOrigin: e.PUBLIC_ORIGIN ? e.PUBLIC_ORIGIN.replace(/\/$/, '') : null,
		organiserKey: e.ORGANISER_KEY ?? null,
		linkSecret,
		linkSecretSource: e.LINK_SECRET ? 'env' : 'file',
		linkSecretFile,
		dataDir: resolve(e.DATA_DIR),
		linkTtlDays: e.LINK_TTL_DAYS,
		linkDaysAfterLastMeeting: e.LINK_DAYS_AFTER_LAST_MEETING,
		ticketTtlSeconds: e.TICKET_TTL_SECONDS,
		emptyRoomGraceSeconds: e.EMPTY_ROOM_GRACE_SECONDS,
		heartbeatSeconds: e.HEARTBEAT_SECONDS,
		rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
		trustedProxies: e.TRUST_PROXY ?? [],
		logLevel: e.LOG_LEVEL,
		media:
			e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
				? { url: e.LIVEKIT_URL.replace(/^http/, 'ws').replace(/\/$/, ''), apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET }
				: null,
		video: e.VIDEO,
		localLiveKitPort: e.LIVEKIT_PORT,
		socketLimits: {
			...SOCKET_LIMITS,
			perSecond: e.SOCKET_MESSAGES_PER_SECOND,
			burst: e.SOCKET_MESSAGE_BURST,
			maxBuffered: e.SOCKET_SEND_BUFFER_KB * 1024
		},
		socketsPerAddress: e.SOCKETS_PER_ADDRESS
	};
}

export function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
