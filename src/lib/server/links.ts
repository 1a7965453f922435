import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { planProblem, type SeriesPlan } from '../schedule/series';
import { PLENARY_ROLES } from '../plenary/protocol';
import { ROLES, type Role } from '../session/roles';
import { MAX_MEDIA_SEATS, MAX_PLANNED_MINUTES } from '../session/state';
import { MAX_MEMBERS_PER_GROUP } from '../conference/types';
import type { GroupLinks } from '../sync/api-types';
import { decodeLinkFacts, encodeLinkFacts } from './compact-link';

/**
 * Self-contained signed capabilities: no database. A link token carries the group, its name,
 * the role, an expiry and its generation (a replaced link is refused: link-generations.ts); a seat token binds a participant id to a name and role once a
 * person has joined, so a reconnect resumes as the same person. Both live only in a URL
 * fragment or in page memory, never in a URL the server sees.
 *
 * Two spellings of a link token verify. Links are signed in the compact form (compact-link.ts):
 * base64url of the facts' bytes followed by the first 16 bytes (128 bits) of their HMAC-SHA-256,
 * one word with no dot. Links handed out before it are the JSON form, `<base64url JSON>.<base64url
 * HMAC-SHA-256>` (seats and conferences are still signed so), and keep working until they expire.
 */

const idPattern = /^[A-Za-z0-9_-]{8,64}$/;

/** The highest generation a link may carry (link-generations.ts gives out no higher one). */
export const MAX_LINK_GENERATION = 1_000_000;

const LinkPayload = v.object({
	k: v.literal('link'),
	g: v.pipe(v.string(), v.regex(idPattern)),
	n: v.pipe(v.string(), v.minLength(1), v.maxLength(120)),
	r: v.picklist(ROLES),
	m: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PLANNED_MINUTES)),
	x: v.pipe(v.number(), v.integer()),
	/** The conference this group belongs to, if any. */
	c: v.optional(v.pipe(v.string(), v.regex(idPattern))),
	/** Seats in the group's media room (members, leaders, observers), when the group's size is known. */
	s: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(MAX_MEDIA_SEATS))),
	/** The link's generation: absent for the links a group is made with, then 1, 2… each time a leader replaces it (link-generations.ts). */
	v: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LINK_GENERATION))),
	/** A demonstration group (the workshop fishbowl): observers are many and shown as a count. Compact links only. */
	d: v.optional(v.literal(true)),
	/** The group's meeting series, each meeting `m` minutes long (schedule/series.ts). Compact links only. */
	e: v.optional(v.custom<SeriesPlan>((plan) => planProblem(plan) === null)),
	/**
	 * The leaders' passphrase verifier (leader-passphrase.ts): only in the leader and co-leader
	 * links of a group whose leaders set a passphrase, which those links then need at entry.
	 * Compact links only.
	 */
	h: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)))
});
export type LinkFacts = v.InferOutput<typeof LinkPayload>;

const SeatPayload = v.object({
	k: v.literal('seat'),
	g: v.pipe(v.string(), v.regex(idPattern)),
	p: v.pipe(v.string(), v.regex(idPattern)),
	n: v.pipe(v.string(), v.minLength(1), v.maxLength(60)),
	r: v.picklist(ROLES)
});
export type SeatFacts = v.InferOutput<typeof SeatPayload>;

/**
 * A seat in a conference's plenary: its id bound to a name and a plenary role (and whether it is
 * the organiser's), so that a reconnect resumes the same person. Its own kind: no group seat opens it.
 */
const PlenarySeatPayload = v.object({
	k: v.literal('plenary-seat'),
	c: v.pipe(v.string(), v.regex(idPattern)),
	p: v.pipe(v.string(), v.regex(idPattern)),
	n: v.pipe(v.string(), v.minLength(1), v.maxLength(60)),
	r: v.picklist(PLENARY_ROLES),
	o: v.boolean()
});
export type PlenarySeatFacts = v.InferOutput<typeof PlenarySeatPayload>;

/**
 * An organiser's capability for one conference: its groups (id, name, leaders), session times
 * and time zone. No media key: each group's key is derived in the organiser's browser from the
 * secret in the organiser link's fragment (src/lib/media/media-key.ts).
 */
const ConferencePayload = v.object({
	k: v.literal('conference'),
	c: v.pipe(v.string(), v.regex(idPattern)),
	n: v.pipe(v.string(), v.minLength(1), v.maxLength(120)),
	z: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
	/** Sessions: [start in epoch seconds, minutes]. */
	s: v.pipe(
		v.array(v.tuple([v.pipe(v.number(), v.integer()), v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PLANNED_MINUTES))])),
		v.maxLength(20)
	),
	/** Groups: [id, name, leaders' names for the hand-out]. */
	g: v.pipe(
		v.array(
			v.tuple([
				v.pipe(v.string(), v.regex(idPattern)),
				v.pipe(v.string(), v.minLength(1), v.maxLength(120)),
				v.pipe(v.array(v.pipe(v.string(), v.maxLength(80))), v.maxLength(2))
			])
		),
		v.minLength(1),
		v.maxLength(100)
	),
	/** Members per group, for the participant cap and the hand-out. */
	p: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_MEMBERS_PER_GROUP)),
	x: v.pipe(v.number(), v.integer())
});
export type ConferenceFacts = v.InferOutput<typeof ConferencePayload>;
export const MAX_CONFERENCE_TOKEN_LENGTH = 32 * 1024;

export type TokenProblem = 'malformed' | 'forged' | 'expired';
export type Verified<T> = { ok: true; facts: T } | { ok: false; problem: TokenProblem };

export const MAX_TOKEN_LENGTH = 2048;

/** Bytes of HMAC-SHA-256 a compact link keeps: 128 bits, as many as a forger would have to guess. */
const COMPACT_MAC_BYTES = 16;
/** What a compact link's MAC covers before its bytes: no JSON-form token's MAC covers the same input. */
const COMPACT_MAC_CONTEXT = Buffer.from('balint-room compact link\0');

export function randomId(bytes = 16): string {
	return randomBytes(bytes).toString('base64url');
}

export class Signer {
	readonly #key: Buffer;

	constructor(key: Buffer) {
		this.#key = key;
	}

	#mac(body: string): Buffer {
		return createHmac('sha256', this.#key).update(body).digest();
	}

	#compactMac(body: Uint8Array): Buffer {
		return createHmac('sha256', this.#key).update(COMPACT_MAC_CONTEXT).update(body).digest().subarray(0, COMPACT_MAC_BYTES);
	}

	/** A compact link token (compact-link.ts): one spelling only, as for the JSON form. */
	#openCompact(token: string): Verified<LinkFacts> {
		if (!/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, problem: 'malformed' };
		const bytes = Buffer.from(token, 'base64url');
		if (bytes.toString('base64url') !== token || bytes.length <= COMPACT_MAC_BYTES + 2) return { ok: false, problem: 'malformed' };
		const body = bytes.subarray(0, bytes.length - COMPACT_MAC_BYTES);
		// Read before the MAC is checked (the reading is plain and bounded): a link cut short, as
		// mail clients do, is then "incomplete" rather than "altered".
		const facts = decodeLinkFacts(body);
		if (!facts) return { ok: false, problem: 'malformed' };
		if (!timingSafeEqual(bytes.subarray(body.length), this.#compactMac(body))) return { ok: false, problem: 'forged' };
		const parsed = v.safeParse(LinkPayload, facts);
		return parsed.success ? { ok: true, facts: parsed.output } : { ok: false, problem: 'malformed' };
	}

	#sign(payload: object): string {
		const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
		return `${body}.${this.#mac(body).toString('base64url')}`;
	}

	#open<T>(token: unknown, schema: v.GenericSchema<unknown, T>, maxLength = MAX_TOKEN_LENGTH): Verified<T> {
		if (typeof token !== 'string' || token.length > maxLength) return { ok: false, problem: 'malformed' };
		// One spelling only: base64url without padding, and the signature exactly as it was made.
		// (A decoder skips what it does not know: "sig=", "sig!", "s*ig" would all verify.)
		const parts = token.split('.');
		if (parts.length !== 2 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return { ok: false, problem: 'malformed' };
		const [body, mac] = parts as [string, string];
		const given = Buffer.from(mac, 'utf8');
		const expected = Buffer.from(this.#mac(body).toString('base64url'), 'utf8');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'forged' };
		let payload: unknown;
		try {
			payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
		} catch {
			return { ok: false, problem: 'malformed' };
		}
		const parsed = v.safeParse(schema, payload);
		return parsed.success ? { ok: true, facts: parsed.output } : { ok: false, problem: 'malformed' };
	}

	/** A link token in the compact form; the same facts always sign to the same token. */
	signLink(facts: Omit<LinkFacts, 'k'>): string {
		const body = encodeLinkFacts(facts);
		return Buffer.concat([body, this.#compactMac(body)]).toString('base64url');
	}

	/** A link token of either form: the JSON form has a dot, the compact form none. */
	verifyLink(token: unknown, now = Date.now()): Verified<LinkFacts> {
		const compact = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH && !token.includes('.');
		const result = compact ? this.#openCompact(token) : this.#open(token, LinkPayload);
		if (result.ok && result.facts.x * 1000 <= now) return { ok: false, problem: 'expired' };
		return result;
	}

	signConference(facts: Omit<ConferenceFacts, 'k'>): string {
		return this.#sign({ k: 'conference', ...facts });
	}

	verifyConference(token: unknown, now = Date.now()): Verified<ConferenceFacts> {
		const result = this.#open(token, ConferencePayload, MAX_CONFERENCE_TOKEN_LENGTH);
		if (result.ok && result.facts.x * 1000 <= now) return { ok: false, problem: 'expired' };
		return result;
	}

	signSeat(facts: Omit<SeatFacts, 'k'>): string {
		return this.#sign({ k: 'seat', ...facts });
	}

	verifySeat(token: unknown): Verified<SeatFacts> {
		return this.#open(token, SeatPayload);
	}

	signPlenarySeat(facts: Omit<PlenarySeatFacts, 'k'>): string {
		return this.#sign({ k: 'plenary-seat', ...facts });
	}

	verifyPlenarySeat(token: unknown): Verified<PlenarySeatFacts> {
		return this.#open(token, PlenarySeatPayload);
	}
}

/** Link keys in the API answer (`GroupLinks`; docs/api.md). */
export const LINK_KEYS: Record<Role, keyof GroupLinks> = {
	leader: 'leader',
	'co-leader': 'coLeader',
	member: 'member',
	observer: 'observer',
	supervisor: 'supervisor'
};

/** A media key or a conference's media secret as a caller may send one (media-key.ts makes 43 characters). */
export function mediaKeyField(field: string) {
	return v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,128}$/, `${field} must be 22 to 128 base64url characters.`));
}
