import { base64url, fromBase64url, newMediaKey } from '../media/media-key';
import type { GroupLinks } from './api-types';

/*
 * The leaders' key: the secret of the leaders' channel. It travels only in the fragment of the
 * leader, co-leader and supervisor links (`#…&l=`), which browsers never send to a server, so the server
 * relays ciphertext it cannot read. Made in the browser that creates the group (or, in a
 * conference, derived from the organiser's secret like the media keys). Each message is sealed
 * with AES-GCM under a key derived from it by HKDF and bound to the group: a fresh random IV
 * per message, the group's id as associated data. Web Crypto only: browsers and Node alike.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const IV_BYTES = 12;

/** A group's leaders' key: random, base64url, as long as a media key (128 bits). */
export const newLeadersKey: () => string = newMediaKey;

/**
 * A group's leaders' key in a conference: HMAC-SHA-256 of its id under the conference's secret
 * (another label than its media key), cut like a media key to the secret's own length.
 */
export async function groupLeadersKey(conferenceSecret: string, groupId: string): Promise<string> {
	const key = await crypto.subtle.importKey('raw', fromBase64url(conferenceSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
	const secret = fromBase64url(conferenceSecret);
	const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`balint-room leaders key ${groupId}`)));
	return base64url(mac.subarray(0, Math.min(32, Math.max(16, secret.length))));
}

/** The link with `l` in its fragment set to this key. */
export function withLeadersKey(link: string, key: string): string {
	const url = new URL(link);
	const params = new URLSearchParams(url.hash.slice(1));
	params.set('l', key);
	url.hash = params.toString();
	return url.toString();
}

/** A group's links with the leaders' key in the leader, co-leader and supervisor links, and in no other. */
export function leaderLinksWithKey<L extends GroupLinks>(links: L, key: string): L {
	return {
		...links,
		leader: withLeadersKey(links.leader, key),
		coLeader: withLeadersKey(links.coLeader, key),
		supervisor: withLeadersKey(links.supervisor, key)
	};
}

/** The channel's AES-GCM key for one group, from the leaders' key in the fragment. Not extractable. */
export async function channelKey(leadersKey: string, groupId: string): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey('raw', fromBase64url(leadersKey), 'HKDF', false, ['deriveKey']);
	return crypto.subtle.deriveKey(
		{ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('balint-room leaders channel'), info: encoder.encode(groupId) },
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		['encrypt', 'decrypt']
	);
}

/** One message sealed: base64url of IV ‖ ciphertext ‖ tag. */
export async function sealMessage(key: CryptoKey, groupId: string, text: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(groupId) }, key, encoder.encode(text));
	const out = new Uint8Array(IV_BYTES + sealed.byteLength);
	out.set(iv);
	out.set(new Uint8Array(sealed), IV_BYTES);
	return base64url(out);
}

/** The text of a sealed message; throws when it was sealed with another key or group, or changed on the way. */
export async function openMessage(key: CryptoKey, groupId: string, sealed: string): Promise<string> {
	const bytes = fromBase64url(sealed);
	if (bytes.length <= IV_BYTES) throw new Error('not a sealed message');
	const plain = await crypto.subtle.decrypt(
		{ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: encoder.encode(groupId) },
		key,
		bytes.subarray(IV_BYTES)
	);
	return decoder.decode(plain);
}
