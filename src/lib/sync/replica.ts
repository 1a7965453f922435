import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { SessionState } from '../session/state';
import { readState } from './schema';

/**
 * This browser's read-only replica of the session's Yjs document: the server's sync frames
 * in, the session's state out. The server is the only writer; a fresh admission starts a fresh
 * replica, which the server fills again.
 */
export class Replica {
	#doc: Y.Doc | null = null;
	readonly #onState: (state: SessionState) => void;

	constructor(onState: (state: SessionState) => void) {
		this.#onState = onState;
	}

	start(): void {
		this.drop();
		const doc = new Y.Doc();
		doc.on('update', () => {
			const next = readState(doc);
			if (next) this.#onState(next);
		});
		this.#doc = doc;
	}

	/** One binary frame from the server; anything but a sync message is ignored. */
	apply(frame: Uint8Array): void {
		if (!this.#doc) return;
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== 0) return;
		// The reply encoder is discarded: the server would drop anything we wrote back.
		syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.#doc, 'server');
	}

	drop(): void {
		this.#doc?.destroy();
		this.#doc = null;
	}
}
