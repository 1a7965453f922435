import type { SessionState } from '../session/state';
import type { ReplicaDoc } from './replica-doc';

/**
 * This browser's read-only replica of the session's Yjs document: the server's sync frames
 * in, the session's state out. The server is the only writer; a fresh admission starts a fresh
 * replica, which the server fills again. Yjs itself (`replica-doc.ts`) is fetched on the first
 * admission, not before: the join form and the lobby stay light (issue 4: <= 80 kB). Frames
 * that arrive while it loads are kept and applied in order.
 */
export class Replica {
	#doc: ReplicaDoc | null = null;
	/** Frames from the server while Yjs is on its way; null when no replica is wanted. */
	#pending: Uint8Array[] | null = null;
	/** Which start a loading document belongs to: one that finishes after a drop or a new start opens nothing. */
	#generation = 0;
	readonly #onState: (state: SessionState) => void;

	constructor(onState: (state: SessionState) => void) {
		this.#onState = onState;
	}

	start(): void {
		this.drop();
		const generation = this.#generation;
		this.#pending = [];
		import('./replica-doc').then(
			({ ReplicaDoc }) => {
				if (generation !== this.#generation) return;
				const doc = new ReplicaDoc(this.#onState);
				const pending = this.#pending ?? [];
				this.#pending = null;
				this.#doc = doc;
				for (const frame of pending) doc.apply(frame);
			},
			// The network went with the code: the socket goes too, and the next admission tries again.
			() => undefined
		);
	}

	/** One binary frame from the server. */
	apply(frame: Uint8Array): void {
		if (this.#doc) this.#doc.apply(frame);
		else this.#pending?.push(frame);
	}

	drop(): void {
		this.#generation++;
		this.#doc?.destroy();
		this.#doc = null;
		this.#pending = null;
	}
}
