import { withParticipant } from '../../session/participants';
import { handsStayUp } from '../../session/rules';
import type { SessionState } from '../../session/state';

/**
 * What a fresh room holds for a restore after a server restart (`applyRestore` decides it):
 * whether it may still take a leader's replica, and the raised hands of people not back yet.
 */
export class RestoreMemory {
	#open = true;
	/** Raised hands from a restored replica, for people not back yet: given back on admission. */
	readonly #hands = new Map<string, number>();

	/** Whether a leader's replica may still replace this session. */
	get open(): boolean {
		return this.#open;
	}

	close(): void {
		this.#open = false;
	}

	keepHands(hands: readonly { participantId: string; handRaisedAt: number }[]): void {
		for (const { participantId, handRaisedAt } of hands) this.#hands.set(participantId, handRaisedAt);
	}

	/**
	 * A person just let in gets back the hand they had raised before the restart, in its place;
	 * not once the return or the closing has begun, where every hand came down (`enterPhase`).
	 */
	handBack(state: SessionState, participantId: string): SessionState {
		const hand = this.#hands.get(participantId);
		if (hand === undefined || !state.participants[participantId]) return state;
		this.#hands.delete(participantId);
		if (!handsStayUp(state.phase, state.keepHandsUp)) return state;
		return withParticipant(state, participantId, { handRaisedAt: hand });
	}
}
