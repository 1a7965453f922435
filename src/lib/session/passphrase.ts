/**
 * The bounds of a leaders' passphrase (issue 15), shared by the server (leader-passphrase.ts,
 * which hashes it) and the forms that ask for it, so that both count the same way: after NFC and
 * trimming, in characters (an emoji is one), not UTF-16 units.
 */

export const PASSPHRASE_MIN_CHARS = 8;
export const PASSPHRASE_MAX_CHARS = 128;

/** What the leaders typed, as it is compared: NFC (one spelling of "é" whichever keyboard), no spaces around. */
export function normalisePassphrase(raw: string): string {
	return raw.normalize('NFC').trim();
}

/** Whether a group can have this passphrase. */
export function passphraseFits(raw: string): boolean {
	const chars = [...normalisePassphrase(raw)].length;
	return chars >= PASSPHRASE_MIN_CHARS && chars <= PASSPHRASE_MAX_CHARS;
}
