import type { SessionState } from '../session/state';
import type { ClientMessage } from './protocol';
import { snapshotOf } from './snapshot';

/**
 * The session as this browser last saw it, kept across a reconnect (and forgotten at the end):
 * after a server restart it is offered back to the fresh room, and a person who was away when
 * it ended learns so on their return.
 */
export class LastSession {
	#state: SessionState | null = null;
	#sessionId: string | null = null;

	remember(state: SessionState): void {
		this.#state = state;
		this.#sessionId = state.sessionId;
	}

	/** Back after a reload: only the session's id came along (`HeldSeat`), enough to learn that it ended meanwhile. */
	resumed(sessionId: string | null): void {
		this.#sessionId ??= sessionId;
	}

	get sessionId(): string | null {
		return this.#sessionId;
	}

	/** The session this person was in ended while their connection was down. */
	endedWhileAway(endedSessionId: string | undefined): boolean {
		return !!endedSessionId && this.#sessionId === endedSessionId;
	}

	/** What to offer a room that may still take a replica (the server decides): null when there is nothing to offer. */
	restoreOffer(sessionId: string, restorable: boolean): ClientMessage | null {
		const previous = this.#state;
		if (!restorable || !previous || previous.sessionId === sessionId) return null;
		const snapshot = snapshotOf(previous);
		return snapshot ? { type: 'restore', snapshot } : null;
	}

	forget(): void {
		this.#state = null;
		this.#sessionId = null;
	}
}
