import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An HTTP relay on loopback in front of the app server: it records every request that reaches
 * the app (path, status, the answer's Cache-Control), and can rewrite the pages it passes on, so
 * that a measurement can compare the app's pages with and without one header or one tag
 * without the app carrying a setting for it. WebSocket upgrades are passed through untouched.
 * The `Host` header is kept, so the app makes its links for the relay's origin and the
 * socket's same-origin check holds.
 */
export interface PageRewrite {
	/** The pages' Cache-Control: `no-store`, or `absent` (no header, as before issue 15). */
	cacheControl?: 'no-store' | 'absent';
	/** The pages' icon: the app's SVG file, an empty `data:` (no request), or the SVG inline as `data:`. */
	icon?: 'file' | 'empty' | 'inline';
}

export interface Relayed {
	method: string;
	path: string;
	status: number;
	cacheControl: string | null;
}

export interface PageRelay {
	/** The relay's origin, e.g. http://127.0.0.1:40123. */
	origin: string;
	/** Every request passed to the app so far, in order. */
	requests: Relayed[];
	/** Pages from now on are rewritten so (nothing is rewritten where a field is unset). */
	rewrite(pages: PageRewrite): void;
	/** A page the relay serves itself (not the app's), e.g. a stand-in for a webmail message. */
	serve(path: string, html: string): void;
	close(): Promise<void>;
}

const ICON_TAG = /<link rel="icon"[^>]*>/;
const icons = (svg: string): Record<NonNullable<PageRewrite['icon']>, string> => ({
	file: '<link rel="icon" href="/favicon.svg" type="image/svg+xml" />',
	empty: '<link rel="icon" href="data:," />',
	inline: `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(svg)}" type="image/svg+xml" />`
});

export async function startPageRelay(target: string): Promise<PageRelay> {
	const { hostname, port } = new URL(target);
	const requests: Relayed[] = [];
	const ownPages = new Map<string, string>();
	let pages: PageRewrite = {};
	let svg: string | null = null;

	const tunnels = new Set<Duplex>();

	interface Answer {
		status: number;
		headers: IncomingHttpHeaders;
		body: Buffer;
	}
	const upstream = (method: string, path: string, headers: IncomingHttpHeaders, body?: Buffer): Promise<Answer> =>
		new Promise((resolve, reject) => {
			const req = request({ host: hostname, port, method, path, headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
				res.on('error', reject);
			});
			req.on('error', reject);
			req.end(body);
		});

	const server = createServer((req, res) => {
		const path = req.url ?? '/';
		const own = ownPages.get(path);
		if (own !== undefined) {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
			return void res.end(own);
		}
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			// Plain bodies only, so that a page can be rewritten.
			const headers = { ...req.headers };
			delete headers['accept-encoding'];
			try {
				const answer = await upstream(req.method ?? 'GET', path, headers, Buffer.concat(chunks));
				let body = answer.body;
				const out = { ...answer.headers };
				if (String(out['content-type'] ?? '').startsWith('text/html')) {
					if (pages.icon) {
						svg ??= (await upstream('GET', '/favicon.svg', { host: req.headers.host })).body.toString('utf8');
						body = Buffer.from(body.toString('utf8').replace(ICON_TAG, icons(svg)[pages.icon]));
					}
					// As the app does it: a page not kept is not revalidated either.
					if (pages.cacheControl === 'no-store') {
						out['cache-control'] = 'no-store';
						delete out['etag'];
					}
					if (pages.cacheControl === 'absent') delete out['cache-control'];
				}
				// The body was read whole: sent with its length, not in chunks.
				delete out['transfer-encoding'];
				if (answer.status !== 304 && answer.status !== 204) out['content-length'] = String(body.length);
				const cacheControl = out['cache-control'];
				requests.push({ method: req.method ?? 'GET', path, status: answer.status, cacheControl: cacheControl === undefined ? null : String(cacheControl) });
				res.writeHead(answer.status, out);
				res.end(body);
			} catch {
				res.writeHead(502);
				res.end();
			}
		});
	});
	server.on('upgrade', (req, client, head) => {
		requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: 101, cacheControl: null });
		const up = connect(Number(port), hostname, () => {
			const lines = [`${req.method} ${req.url} HTTP/1.1`];
			for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
			up.write(lines.join('\r\n') + '\r\n\r\n');
			up.write(head);
			up.pipe(client);
			client.pipe(up);
		});
		tunnels.add(up).add(client);
		up.on('error', () => client.destroy());
		client.on('error', () => up.destroy());
		up.on('close', () => {
			tunnels.delete(up);
			client.destroy();
		});
		client.on('close', () => {
			tunnels.delete(client);
			up.destroy();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as { port: number };
	return {
		origin: `http://127.0.0.1:${address.port}`,
		requests,
		rewrite(next) {
			pages = next;
		},
		serve(path, html) {
			ownPages.set(path, html);
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of tunnels) socket.destroy();
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
