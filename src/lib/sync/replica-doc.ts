import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { SessionState } from '../session/state';
import { readState } from './schema';

/** The Yjs side of a `Replica`: one document, the server's sync frames in, the session's state out. */
export class ReplicaDoc {
	readonly #doc = new Y.Doc();

	constructor(onState: (state: SessionState) => void) {
		this.#doc.on('update', () => {
			const next = readState(this.#doc);
			if (next) onState(next);
		});
	}

	/** One binary frame from the server; anything but a sync message is ignored. */
	apply(frame: Uint8Array): void {
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== 0) return;
		// The reply encoder is discarded: the server would drop anything we wrote back.
		syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.#doc, 'server');
	}

	destroy(): void {
		this.#doc.destroy();
	}
}
