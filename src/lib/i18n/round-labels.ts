import { m } from '../paraglide/messages.js';
import type { RoundMark } from '../session/rounds';

/* A round's words by value, apart from `labels.ts`: only the room's screens load them, not the lobby. */
const ROUND_MARKS: Record<RoundMark, () => string> = {
	speaking: m.round_speaking,
	next: m.round_next_up,
	passed: m.round_passed,
	spoken: m.round_spoken
};

/** A person's place in a round, in words (tiles, roster entries, the round's list). */
export const roundMarkText = (mark: RoundMark): string => ROUND_MARKS[mark]();
