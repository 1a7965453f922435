import type { RefusalCode } from './action-schema';
import { inLeadersChannel, type Role } from './roles';

/*
 * The leaders' channel: short messages between a group's leaders (and their supervisor), encrypted in their browsers
 * (sync/leaders-key.ts). The server sees only ciphertext; these are the few rules it can still
 * hold to: who may send, and how much.
 */

/** Characters a leader may type into one message: a line, not a letter. */
export const MAX_LEADER_TEXT = 500;

/**
 * The longest ciphertext relayed, in base64url characters ("4 kB"): room for the longest text
 * (at most 3 bytes per UTF-16 unit), the 12-byte IV and the 16-byte tag, with some to spare.
 */
export const MAX_LEADER_CIPHERTEXT = 4096;

/** An IV and a tag and nothing in between: what no real message is shorter than. */
const MIN_LEADER_CIPHERTEXT = 38;

/** Why the server will not relay this message, or null when it will. */
export function leaderMessageProblem(role: Role, ciphertext: string): RefusalCode | null {
	if (!inLeadersChannel(role)) return 'not-allowed';
	if (ciphertext.length > MAX_LEADER_CIPHERTEXT) return 'leader-message-too-long';
	if (ciphertext.length < MIN_LEADER_CIPHERTEXT || !/^[A-Za-z0-9_-]+$/.test(ciphertext)) return 'leader-message-malformed';
	return null;
}
