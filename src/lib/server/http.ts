import { isIPv6 } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers for the JSON API; bodies are size-capped and must be JSON. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

export const MAX_BODY_BYTES = 16 * 1024;

export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
	const type = req.headers['content-type'] ?? '';
	if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'unsupported-media-type', 'Send JSON with Content-Type: application/json.');
	try {
		return JSON.parse(await readText(req, limit));
	} catch (error) {
		if (error instanceof HttpError) throw error;
		throw new HttpError(400, 'malformed-json', 'The body is not valid JSON.');
	}
}

export async function readText(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > limit) throw new HttpError(413, 'too-large', `The body is larger than ${limit} bytes.`);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > limit) throw new HttpError(413, 'too-large', `The body is larger than ${limit} bytes.`);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store'
	});
	res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
	sendJson(res, error.status, { error: { code: error.code, message: error.message } });
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are the same client. */
const plainAddress = (address: string): string => address.trim().replace(/^::ffff:(?=\d+\.)/, '');

/**
 * One budget per IPv6 /64: a single home or server usually holds a whole /64 and could
 * otherwise take a fresh address, and a fresh budget, for every request.
 */
export function rateKey(address: string): string {
	const bare = address.split('%')[0]!;
	if (!isIPv6(bare)) return address;
	const [head = '', tail] = bare.split('::');
	const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
	const left = groups(head);
	const right = tail === undefined ? [] : groups(tail);
	const all = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
	return `${all
		.slice(0, 4)
		.map((g) => parseInt(g, 16).toString(16))
		.join(':')}::/64`;
}

/**
 * The client address for rate limiting: the socket's, never a header a client can forge.
 * Only when the socket is one of the operator's own proxies (`TRUST_PROXY`) is the nearest
 * address it forwarded (`X-Forwarded-For`, read from the right) taken instead, so that behind
 * a proxy every person does not share the proxy's one budget. IPv6 counts per /64.
 */
export function clientKey(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
	const socket = plainAddress(req.socket.remoteAddress ?? 'unknown');
	if (!trustedProxies.includes(socket)) return rateKey(socket);
	const forwarded = String(req.headers['x-forwarded-for'] ?? '')
		.split(',')
		.map(plainAddress)
		.filter(Boolean);
	for (let i = forwarded.length - 1; i >= 0; i--) if (!trustedProxies.includes(forwarded[i]!)) return rateKey(forwarded[i]!);
	return rateKey(socket);
}

const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The origins a page must also reach for video: LiveKit's signalling WebSocket and the HTTP
 * endpoints livekit-client calls on the same host (connection check, regions). Empty without
 * video.
 */
export function mediaConnectSources(mediaUrl: string | null | undefined): string[] {
	if (!mediaUrl) return [];
	const { protocol, host } = new URL(mediaUrl);
	const secure = protocol === 'wss:' || protocol === 'https:';
	return [`${secure ? 'wss' : 'ws'}://${host}`, `${secure ? 'https' : 'http'}://${host}`];
}

/** `connect-src` of a policy with `extra` sources added (the policy unchanged without one). */
export function withConnectSources(policy: string, extra: readonly string[]): string {
	if (!extra.length) return policy;
	const directives = policy
		.split(';')
		.map((d) => d.trim())
		.filter(Boolean);
	const i = directives.findIndex((d) => d.split(/\s+/)[0] === 'connect-src');
	if (i === -1) return [...directives, `connect-src 'self' ${extra.join(' ')}`].join('; ');
	directives[i] = [directives[i], ...extra].join(' ');
	return directives.join('; ');
}

/**
 * Headers for every response: no framing, no referrer, camera and microphone for this origin
 * only. Pages get Kit's hashed CSP (plus the media server in `connect-src`); everything else
 * (API, assets) gets the strictest one.
 */
export function securityHeaders(res: ServerResponse, connectSources: readonly string[] = []): void {
	res.setHeader('x-content-type-options', 'nosniff');
	res.setHeader('referrer-policy', 'no-referrer');
	res.setHeader('x-frame-options', 'DENY');
	res.setHeader('cross-origin-opener-policy', 'same-origin');
	res.setHeader('cross-origin-resource-policy', 'same-origin');
	res.setHeader('permissions-policy', 'camera=(self), microphone=(self), display-capture=(), geolocation=(), payment=(), usb=()');
	res.setHeader('content-security-policy', STRICT_CSP);
	// The policy is settled when the head is written, after Kit has set a page's own.
	const writeHead = res.writeHead;
	res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
		const policy = this.getHeader('content-security-policy');
		if (policy === STRICT_CSP && args[0] === 304) {
			// A browser revalidating a cached page takes the 304's headers over the stored ones:
			// the fallback would replace the page's own CSP and leave a blank page on reload.
			this.removeHeader('content-security-policy');
		} else if (typeof policy === 'string' && policy !== STRICT_CSP) {
			this.setHeader('content-security-policy', withConnectSources(policy, connectSources));
		}
		return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
	} as typeof res.writeHead;
}
