/**
 * The end-to-end media key of a group: made in the browser that creates the group (or the
 * conference) and carried only in the links' fragment (`#…&k=`), which browsers never send
 * to a server. A conference carries one secret in its organiser link; each group's key is
 * derived from it in the organiser's browser, so the server can hand out the links again
 * without ever holding a key. Web Crypto only: the same code runs in browsers and Node 22.
 */

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, '-')
		.replace(/\//g, '_')
		.replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
	return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * 16 random bytes (22 base64url characters): a group's media key or a conference's media secret.
 * LiveKit derives an AES-128-GCM key from it (PBKDF2), so 128 bits is all the strength a longer
 * key could give, and the link and its QR code stay short. Keys made before were 32 bytes and
 * keep working: a key is read as whatever its link carries.
 */
export function newMediaKey(): string {
	return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * A group's media key in a conference: HMAC-SHA-256 of its id under the conference's secret,
 * cut to the secret's own length (16 bytes for the secrets made now, all 32 for the older ones,
 * so the links of a conference made before keep their keys).
 */
export async function groupMediaKey(conferenceSecret: string, groupId: string): Promise<string> {
	return derivedKey(conferenceSecret, `balint-room media key ${groupId}`);
}

/**
 * The conference plenary's media key: HMAC-SHA-256 of the conference's id under its secret, under
 * its own label (so it is no group's key), cut like `groupMediaKey`. In every group link of the
 * conference (`p=`) and derived by the organiser from the secret they hold.
 */
export async function plenaryMediaKey(conferenceSecret: string, conferenceId: string): Promise<string> {
	return derivedKey(conferenceSecret, `balint-room plenary key ${conferenceId}`);
}

/** HMAC-SHA-256 of a label under the conference's secret, cut to the secret's own length (16 or 32 bytes). */
async function derivedKey(conferenceSecret: string, label: string): Promise<string> {
	const secret = fromBase64url(conferenceSecret);
	const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
	const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(label)));
	return base64url(mac.subarray(0, Math.min(32, Math.max(16, secret.length))));
}

/** The link with `name` in its fragment set to `value` (whatever was there replaced). */
function withFragmentParam(link: string, name: string, value: string): string {
	const url = new URL(link);
	const params = new URLSearchParams(url.hash.slice(1));
	params.set(name, value);
	url.hash = params.toString();
	return url.toString();
}

/** The link with `k` in its fragment set to this key (any key the server put there replaced). */
export function withMediaKey(link: string, key: string): string {
	return withFragmentParam(link, 'k', key);
}

/** A conference group's links (one per role), each with the plenary key as `p` in its fragment. */
export function linksWithPlenaryKey<L extends Record<string, string>>(links: L, key: string): L {
	return Object.fromEntries(Object.entries(links).map(([role, link]) => [role, withFragmentParam(link, 'p', key)])) as L;
}

/** A group's links (one per role), each with this media key in its fragment. */
export function linksWithMediaKey<L extends Record<string, string>>(links: L, key: string): L {
	return Object.fromEntries(Object.entries(links).map(([role, link]) => [role, withMediaKey(link, key)])) as L;
}
