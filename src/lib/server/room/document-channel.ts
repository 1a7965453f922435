import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { SessionState } from '../../session/state';
import { writeState } from '../../sync/schema';
import { CloseCode } from '../../sync/protocol';
import type { Connection, Connections } from './connections';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/**
 * A room's Yjs document and its frames: the one owner of the document, which only the server
 * writes. It sends a person the whole document when they are let in, answers a replica's
 * requests for what it lacks (within the socket's share), drops every write a client sends,
 * and broadcasts each update to everyone in the room.
 */
export class DocumentChannel {
	readonly doc = new Y.Doc({ gc: true });
	readonly #connections: Connections;

	constructor(connections: Connections, initial: SessionState) {
		this.#connections = connections;
		writeState(this.doc, initial);
		this.doc.on('update', this.#broadcastUpdate);
	}

	write(state: SessionState): void {
		writeState(this.doc, state);
	}

	/** The whole document, as a sync step 2 against an empty state vector. */
	sendWhole(conn: Connection): void {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeSyncStep2(encoder, this.doc);
		this.#connections.sendBinary(conn, encoding.toUint8Array(encoder));
	}

	/** Yjs frames: answer state requests, drop every write (clients are read-only replicas). */
	onFrame(conn: Connection, frame: Uint8Array): void {
		try {
			const decoder = decoding.createDecoder(frame);
			const kind = decoding.readVarUint(decoder);
			if (kind === MESSAGE_AWARENESS) return; // presence comes from the server, never from clients
			if (kind !== MESSAGE_SYNC) return this.#connections.drop(conn, CloseCode.malformed, 'unknown message type');
			const step = decoding.readVarUint(decoder);
			if (step !== syncProtocol.messageYjsSyncStep1) return; // step 2 and updates are writes: dropped
			if (!conn.admitted) return;
			const stateVector = decoding.readVarUint8Array(decoder);
			// Each answer encodes what the replica lacks (all of it for an empty one): a browser
			// asks when it connects, a script as often as it can.
			if (!conn.budget.takeSyncRequest()) return this.#connections.cutOff(conn, CloseCode.flooding, 'too many document requests');
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
			encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
			this.#connections.sendBinary(conn, encoding.toUint8Array(encoder));
		} catch {
			this.#connections.drop(conn, CloseCode.malformed, 'malformed sync message');
		}
	}

	destroy(): void {
		this.doc.off('update', this.#broadcastUpdate);
		this.doc.destroy();
	}

	readonly #broadcastUpdate = (update: Uint8Array): void => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeUpdate(encoder, update);
		const frame = encoding.toUint8Array(encoder);
		for (const conn of this.#connections) if (conn.admitted) this.#connections.sendBinary(conn, frame);
	};
}
