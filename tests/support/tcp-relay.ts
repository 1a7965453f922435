import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of the app server that one person's browser goes through, so a test
 * can take that person's network away for real. Chromium's offline emulation
 * (`context.setOffline`) fails new requests but leaves an open WebSocket (and its ping/pong)
 * untouched, so on its own it never drops anyone from a room.
 *
 * - `cut('silent')`: a black hole. Open connections stay open but every byte is dropped in both
 *   directions and new connections are refused. The browser notices nothing; only the
 *   server's heartbeat (2 s in tests) can find out that the person is gone.
 * - `cut('reset')`: every open connection is reset at once and new ones are refused, as when
 *   a laptop drops off Wi-Fi and the OS tears the sockets down.
 * - `restore()`: the network is back. Connections that lived through a silent cut have lost
 *   bytes and are reset (as TCP would once packets flow again); new connections pass.
 */
export interface NetCut {
	/** The relay's origin, e.g. http://127.0.0.1:40123; use it in place of the app's origin. */
	origin: string;
	/** The same URL with the app's origin swapped for the relay's. */
	via(url: string): string;
	cut(mode: 'silent' | 'reset'): void;
	restore(): void;
	close(): Promise<void>;
}

interface Pair {
	client: Socket;
	upstream: Socket;
	/** Lived through a silent cut: its streams are no longer whole. */
	damaged: boolean;
}

export async function startNetCut(target: string): Promise<NetCut> {
	const { hostname, port } = new URL(target);
	const pairs = new Set<Pair>();
	let mode: 'open' | 'silent' | 'reset' = 'open';

	const server: Server = createServer((client) => {
		client.on('error', () => client.destroy());
		if (mode !== 'open') return void client.destroy();
		const upstream = connect(Number(port), hostname);
		const pair: Pair = { client, upstream, damaged: false };
		pairs.add(pair);
		upstream.on('error', () => upstream.destroy());
		client.on('data', (chunk) => {
			if (mode === 'open' && !pair.damaged) upstream.write(chunk);
		});
		upstream.on('data', (chunk) => {
			if (mode === 'open' && !pair.damaged) client.write(chunk);
		});
		// While the network is silently gone, a close on one side must not reach the other.
		client.on('close', () => {
			if (mode !== 'silent') upstream.destroy();
			if (upstream.destroyed) pairs.delete(pair);
		});
		upstream.on('close', () => {
			if (mode !== 'silent' && !pair.damaged) client.destroy();
			if (client.destroyed) pairs.delete(pair);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('relay did not start');
	const origin = `http://127.0.0.1:${address.port}`;

	const resetAll = () => {
		for (const pair of pairs) {
			pair.client.resetAndDestroy();
			pair.upstream.destroy();
		}
		pairs.clear();
	};

	return {
		origin,
		via(url: string) {
			const u = new URL(url);
			return origin + u.pathname + u.search + u.hash;
		},
		cut(next) {
			mode = next;
			if (next === 'reset') resetAll();
			else for (const pair of pairs) pair.damaged = true;
		},
		restore() {
			for (const pair of [...pairs]) {
				if (pair.damaged) {
					pair.client.resetAndDestroy();
					pair.upstream.destroy();
					pairs.delete(pair);
				}
			}
			mode = 'open';
		},
		async close() {
			resetAll();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
