import { decodeLinkFacts, encodeLinkFacts, type CompactLinkFacts } from '../../src/lib/server/compact-link';

/**
 * Tampering with a compact link token (src/lib/server/compact-link.ts), as an attacker holding
 * one would: its facts changed under the old signature, or one bit of the signature flipped.
 */
const MAC_BYTES = 16;

/** The token's facts changed by `change`, the old signature kept. */
export function alterLinkFacts(token: string, change: (facts: CompactLinkFacts) => void): string {
	const bytes = Buffer.from(token, 'base64url');
	const facts = decodeLinkFacts(bytes.subarray(0, -MAC_BYTES)) as (CompactLinkFacts & { k?: string }) | null;
	if (!facts) throw new Error('not a compact link token');
	delete facts.k;
	change(facts);
	return Buffer.concat([encodeLinkFacts(facts), bytes.subarray(-MAC_BYTES)]).toString('base64url');
}

/** The facts a compact link token carries, unchecked. */
export function linkFactsOf(token: string): CompactLinkFacts {
	return decodeLinkFacts(Buffer.from(token, 'base64url').subarray(0, -MAC_BYTES)) as unknown as CompactLinkFacts;
}

/** One bit flipped in the middle of the signature. */
export function forgeLinkMac(token: string): string {
	const bytes = Buffer.from(token, 'base64url');
	bytes[bytes.length - MAC_BYTES / 2]! ^= 0x10;
	return bytes.toString('base64url');
}

/** The signature cut off: what is left is no link. */
export function withoutLinkMac(token: string): string {
	return Buffer.from(token, 'base64url').subarray(0, -MAC_BYTES).toString('base64url');
}
