import type { SeriesPlan } from '../schedule/series';
import { ROLES, type Role } from '../session/roles';
import { readSeries, writeSeries } from './compact-series';

/**
 * The bytes of a link token in its compact form (links.ts signs and checks them): the facts
 * one after another, in a fixed order, instead of JSON. A link is pasted into mails and
 * chats and read by a phone's camera from its QR code, so every byte counts: a link of the
 * JSON form was about 300 characters, one of this form about 150.
 *
 *   tag (1) · header (1) · [extension (1)] · group · name · minutes · expiry · [conference] · [seats]
 *   · [generation] · [series]
 *
 * The header holds the role (its index in ROLES, bits 0-2) and which optional facts follow
 * (bits 3-5), and whether each id is 16 raw bytes (bits 6, 7: the ids this server makes are
 * 22 base64url characters, which is 16 bytes) or a length and its characters. Numbers are
 * unsigned LEB128 varints; the name is UTF-8 behind its length in bytes. Nothing here is
 * secret or checked: the signature covers these bytes, and the facts read back are checked
 * by the same schema as the JSON form's.
 *
 * The header's eight bits are all taken, so facts added later sit behind a second tag
 * (`COMPACT_LINK_TAG_EXTENDED`) whose extension byte says which follow: a demonstration group
 * (bit 0, no bytes), a meeting series (bit 1, written by `compact-series.ts`, issue 14) and the
leaders' passphrase verifier (bit 2, 16 raw bytes, leader and co-leader links only: issue 15). A
 * link without them keeps the first tag and reads exactly as before; an extension bit this
 * code does not know makes the link unreadable rather than half read.
 */

/** The first byte of a compact link: no base64url character is 0x01, so no JSON-form body (ASCII) starts like this. */
export const COMPACT_LINK_TAG = 0x01;
/** The first byte of a compact link with an extension byte after its header. */
export const COMPACT_LINK_TAG_EXTENDED = 0x02;

const ROLE_MASK = 0b111;
const HAS_CONFERENCE = 1 << 3;
const HAS_SEATS = 1 << 4;
const HAS_GENERATION = 1 << 5;
const GROUP_RAW = 1 << 6;
const CONFERENCE_RAW = 1 << 7;
/** A role this encoding does not know: it reads back as no role, which the schema refuses. */
const NO_ROLE = ROLE_MASK;
const RAW_ID_BYTES = 16;
/** Extension bits: a demonstration (fishbowl) group, a meeting series, a leaders' passphrase verifier. */
const EXT_DEMO = 1 << 0;
const EXT_SERIES = 1 << 1;
const EXT_PASSPHRASE = 1 << 2;
const EXT_KNOWN = EXT_DEMO | EXT_SERIES | EXT_PASSPHRASE;
/** A passphrase verifier's bytes (`PASSPHRASE_VERIFIER_BYTES` in links.ts). */
const VERIFIER_BYTES = 16;

// Roles are written as their index: appending one to ROLES keeps old links reading the same,
// reordering would not (links.test.ts pins the order).
if (ROLES.length > NO_ROLE) throw new Error('compact links have room for 7 roles');

export interface CompactLinkFacts {
	g: string;
	n: string;
	r: Role;
	m: number;
	x: number;
	c?: string;
	s?: number;
	v?: number;
	/** A demonstration group (the workshop fishbowl): many observers, shown as a count. */
	d?: true;
	/** The group's meeting series (compact-series.ts); its length is `m`. */
	e?: SeriesPlan;
	/** The leaders' passphrase verifier, base64url of 16 bytes (leader-passphrase.ts): leader and co-leader links only. */
	h?: string;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function rawId(id: string): Buffer | null {
	const bytes = Buffer.from(id, 'base64url');
	return bytes.length === RAW_ID_BYTES && bytes.toString('base64url') === id ? bytes : null;
}

class Writer {
	readonly #bytes: number[] = [];

	byte(value: number): void {
		this.#bytes.push(value);
	}

	varint(value: number): void {
		if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`a compact link holds whole numbers from 0, not ${value}`);
		let rest = value;
		while (rest >= 0x80) {
			this.#bytes.push((rest % 0x80) | 0x80);
			rest = Math.floor(rest / 0x80);
		}
		this.#bytes.push(rest);
	}

	bytes(value: Uint8Array): void {
		this.#bytes.push(...value);
	}

	text(value: string): void {
		// TextEncoder would write a lone surrogate as U+FFFD: the link would name another group.
		if (/\p{Cs}/u.test(value)) throw new RangeError('a compact link holds well-formed text only');
		const bytes = utf8.encode(value);
		this.varint(bytes.length);
		this.bytes(bytes);
	}

	id(value: string, raw: Buffer | null): void {
		if (raw) this.bytes(raw);
		else this.text(value);
	}

	done(): Buffer {
		return Buffer.from(this.#bytes);
	}
}

/** Reads what a Writer wrote; any byte out of place (too few, too many, a varint written long) throws. */
class Reader {
	#at = 0;
	readonly #bytes: Uint8Array;

	constructor(bytes: Uint8Array) {
		this.#bytes = bytes;
	}

	byte(): number {
		if (this.#at >= this.#bytes.length) throw new RangeError('short');
		return this.#bytes[this.#at++]!;
	}

	varint(): number {
		let value = 0;
		let scale = 1;
		for (let i = 0; i < 8; i++) {
			const byte = this.byte();
			if (i > 0 && byte === 0) throw new RangeError('varint written long');
			value += (byte & 0x7f) * scale;
			// Beyond 2^53 a number is no longer exact: no fact we sign is that large.
			if (!Number.isSafeInteger(value)) throw new RangeError('varint too large');
			if (byte < 0x80) return value;
			scale *= 0x80;
		}
		throw new RangeError('varint too long');
	}

	bytes(length: number): Uint8Array {
		if (this.#at + length > this.#bytes.length) throw new RangeError('short');
		const slice = this.#bytes.subarray(this.#at, this.#at + length);
		this.#at += length;
		return slice;
	}

	text(): string {
		return strictUtf8.decode(this.bytes(this.varint()));
	}

	id(raw: boolean): string {
		return raw ? Buffer.from(this.bytes(RAW_ID_BYTES)).toString('base64url') : this.text();
	}

	end(): void {
		if (this.#at !== this.#bytes.length) throw new RangeError('bytes left over');
	}
}

/** The facts as compact bytes, tag first. Throws on a fact no link can hold (a negative number, broken text). */
export function encodeLinkFacts(facts: CompactLinkFacts): Buffer {
	const group = rawId(facts.g);
	const conference = facts.c === undefined ? null : rawId(facts.c);
	const role = (ROLES as readonly string[]).indexOf(facts.r);
	let header = role < 0 ? NO_ROLE : role;
	if (facts.c !== undefined) header |= HAS_CONFERENCE;
	if (facts.s !== undefined) header |= HAS_SEATS;
	if (facts.v !== undefined) header |= HAS_GENERATION;
	if (group) header |= GROUP_RAW;
	if (conference) header |= CONFERENCE_RAW;
	let extension = 0;
	if (facts.d) extension |= EXT_DEMO;
	if (facts.e) extension |= EXT_SERIES;
	const verifier = facts.h === undefined ? null : Buffer.from(facts.h, 'base64url');
	if (verifier && (verifier.length !== VERIFIER_BYTES || verifier.toString('base64url') !== facts.h))
		throw new RangeError(`a passphrase verifier is ${VERIFIER_BYTES} bytes in base64url`);
	if (verifier) extension |= EXT_PASSPHRASE;
	const out = new Writer();
	out.byte(extension ? COMPACT_LINK_TAG_EXTENDED : COMPACT_LINK_TAG);
	out.byte(header);
	if (extension) out.byte(extension);
	out.id(facts.g, group);
	out.text(facts.n);
	out.varint(facts.m);
	out.varint(facts.x);
	if (facts.c !== undefined) out.id(facts.c, conference);
	if (facts.s !== undefined) out.varint(facts.s);
	if (facts.v !== undefined) out.varint(facts.v);
	if (facts.e) writeSeries(out, facts.e);
	if (verifier) out.bytes(verifier);
	return out.done();
}

/** The facts the bytes hold, unchecked (the caller's schema checks them), or null when they are not a compact link. */
export function decodeLinkFacts(bytes: Uint8Array): Record<string, unknown> | null {
	try {
		const input = new Reader(bytes);
		const tag = input.byte();
		if (tag !== COMPACT_LINK_TAG && tag !== COMPACT_LINK_TAG_EXTENDED) return null;
		const header = input.byte();
		// An extended link says it has something to add: an empty or unknown extension is not one we wrote.
		const extension = tag === COMPACT_LINK_TAG_EXTENDED ? input.byte() : 0;
		if (tag === COMPACT_LINK_TAG_EXTENDED && (extension === 0 || extension & ~EXT_KNOWN)) return null;
		const facts: Record<string, unknown> = { k: 'link' };
		if (extension & EXT_DEMO) facts.d = true;
		facts.g = input.id((header & GROUP_RAW) !== 0);
		facts.n = input.text();
		facts.r = ROLES[header & ROLE_MASK];
		facts.m = input.varint();
		facts.x = input.varint();
		if (header & HAS_CONFERENCE) facts.c = input.id((header & CONFERENCE_RAW) !== 0);
		else if (header & CONFERENCE_RAW) return null;
		if (header & HAS_SEATS) facts.s = input.varint();
		if (header & HAS_GENERATION) facts.v = input.varint();
		if (extension & EXT_SERIES) facts.e = readSeries(input);
		if (extension & EXT_PASSPHRASE) facts.h = Buffer.from(input.bytes(VERIFIER_BYTES)).toString('base64url');
		input.end();
		return facts;
	} catch {
		return null;
	}
}
