import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';

/** A bench client: a real WebSocket and a Yjs replica; `onPhase` fires on every phase seen. */
export interface BenchClient {
	ws: WebSocket;
	doc: Y.Doc;
	json: Record<string, any>[];
	onPhase: ((phase: string, at: number) => void) | null;
	close(): void;
}

function watchPhase(client: BenchClient): void {
	client.doc.getMap('session').observe((event) => {
		if (event.keysChanged.has('phase')) client.onPhase?.(String(client.doc.getMap('session').get('phase')), performance.now());
	});
}

export function opened(ws: WebSocket): Promise<void> {
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
}

/** A Balint Room client: read-only replica, JSON control messages. */
export function oursClient(url: string): BenchClient {
	const ws = new WebSocket(url, { perMessageDeflate: false });
	const client: BenchClient = { ws, doc: new Y.Doc(), json: [], onPhase: null, close: () => ws.terminate() };
	ws.on('message', (data, isBinary) => {
		if (!isBinary) return void client.json.push(JSON.parse(data.toString()));
		const decoder = decoding.createDecoder(new Uint8Array(data as Buffer));
		if (decoding.readVarUint(decoder) === 0) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), client.doc, 'server');
	});
	watchPhase(client);
	return client;
}

/** A plain y-websocket client for the bare server: it syncs both ways and writes directly. */
export function bareClient(url: string): BenchClient {
	const ws = new WebSocket(url, { perMessageDeflate: false });
	const doc = new Y.Doc();
	const client: BenchClient = { ws, doc, json: [], onPhase: null, close: () => ws.terminate() };
	ws.on('open', () => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeSyncStep1(encoder, doc);
		ws.send(encoding.toUint8Array(encoder));
	});
	ws.on('message', (data) => {
		const decoder = decoding.createDecoder(new Uint8Array(data as Buffer));
		if (decoding.readVarUint(decoder) !== 0) return; // awareness: ignored
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.readSyncMessage(decoder, encoder, doc, 'remote');
		if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
	});
	doc.on('update', (update: Uint8Array, origin: unknown) => {
		if (origin === 'remote' || ws.readyState !== ws.OPEN) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeUpdate(encoder, update);
		ws.send(encoding.toUint8Array(encoder));
	});
	watchPhase(client);
	return client;
}

export async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
	const end = performance.now() + ms;
	while (!check()) {
		if (performance.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}
