import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { groupMediaKey, newMediaKey } from '../media/media-key';
import { ROLES } from '../session/roles';
import { linkFragment, readFragment } from '../sync/link-fragment';
import { decodeLinkFacts, encodeLinkFacts } from './compact-link';
import { LinkGenerations } from './link-generations';
import { MAX_LINK_GENERATION, randomId, Signer } from './links';

/** Link tokens in both forms: the compact one signed now, the JSON one of links already handed out. */

const KEY = Buffer.from('legacy-links-golden-key-0123456789abcdef');
const signer = new Signer(KEY);
const future = Math.floor(Date.now() / 1000) + 3600;
const facts = { g: randomId(), n: 'Torsdagsgruppen · Malmö', r: 'member' as const, m: 90, x: future };

/**
 * Made by the JSON-form signer before the compact form came (commit 32d27db), with KEY; they
 * expire in 2100. A server must go on opening them exactly as then.
 */
const HANDED_OUT = {
	member:
		'eyJrIjoibGluayIsImciOiJYcjJrTHE5dlQwYUJjRGVGZ0hpSmtMIiwibiI6IlRvcnNkYWdzZ3J1cHBlbiDCtyBNYWxtw7YiLCJyIjoibWVtYmVyIiwibSI6OTAsIngiOjQxMDI0NDQ4MDB9.LruueM4ZI7HqP1EVNdYk7NfkdIxl2dBHj85vWNcITmU',
	replacedObserver:
		'eyJrIjoibGluayIsImciOiJYcjJrTHE5dlQwYUJjRGVGZ0hpSmtMIiwibiI6IlRvcnNkYWdzZ3J1cHBlbiDCtyBNYWxtw7YiLCJyIjoib2JzZXJ2ZXIiLCJtIjo5MCwieCI6NDEwMjQ0NDgwMCwiYyI6ImNvbmYtQUJDREVGR0giLCJzIjoxMSwidiI6Mn0.GQ7Y9abaUAArBb1madHmhZEQxBAGdu7PFayCso6oHyk',
	seat: 'eyJrIjoic2VhdCIsImciOiJYcjJrTHE5dlQwYUJjRGVGZ0hpSmtMIiwicCI6InBlcnNvbi0wMDAxIiwibiI6IsOFc2EiLCJyIjoibWVtYmVyIn0.9A_NvNu2b4nBaSx7K4oy5_wmywki69mqEXLjLrY1kKQ'
};
const OLD_GROUP = { g: 'Xr2kLq9vT0aBcDeFgHiJkL', n: 'Torsdagsgruppen · Malmö', m: 90, x: 4102444800 };

/** A link as the start page hands it out, on a typical host. */
function link(token: string, mediaKey = newMediaKey()): string {
	return `https://balint.example.org/room#${linkFragment(token, mediaKey)}`;
}

describe('compact link tokens', () => {
	it('round-trip every fact, names in any script, and sign the same facts to the same token', () => {
		const all = { ...facts, c: randomId(), s: 14, v: MAX_LINK_GENERATION };
		for (const f of [facts, all, { ...facts, n: 'Gruppe für Ärztinnen – 火曜日 🩺', g: 'group-0001', c: 'conf-ABCDEFGH' }]) {
			const token = signer.signLink(f);
			expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
			expect(signer.verifyLink(token)).toEqual({ ok: true, facts: { k: 'link', ...f } });
			expect(signer.signLink(f)).toBe(token);
		}
		// The longest name a group may have (120 UTF-16 units, each a 3-byte character).
		const longest = { ...facts, n: 'ö'.repeat(60) + '火'.repeat(60) };
		expect(signer.verifyLink(signer.signLink(longest))).toEqual({ ok: true, facts: { k: 'link', ...longest } });
		expect(() => signer.signLink({ ...facts, n: 'broken \ud800 text' })).toThrow(RangeError);
	});

	it('carry later facts behind an extension byte, and leave links without them as they were', () => {
		const plain = encodeLinkFacts(facts);
		const demo = encodeLinkFacts({ ...facts, d: true });
		expect(plain[0]).toBe(0x01);
		expect(demo[0]).toBe(0x02);
		expect(demo.length).toBe(plain.length + 1);
		expect(signer.verifyLink(signer.signLink({ ...facts, d: true }))).toEqual({ ok: true, facts: { k: 'link', ...facts, d: true } });
		// An empty extension, or a bit this code does not know, is not a link we wrote.
		for (const extension of [0x00, 0x80, 0x08]) {
			const odd = Buffer.from(demo);
			odd[2] = extension;
			expect(decodeLinkFacts(odd), `extension ${extension}`).toBeNull();
		}
	});

	it("carry a leaders' passphrase verifier as 16 bytes, and refuse one of another size", () => {
		const h = randomBytes(16).toString('base64url');
		const guarded = { ...facts, r: 'co-leader' as const, h };
		expect(encodeLinkFacts(guarded).length).toBe(encodeLinkFacts(facts).length + 17);
		expect(signer.verifyLink(signer.signLink(guarded))).toEqual({ ok: true, facts: { k: 'link', ...guarded } });
		expect(signer.verifyLink(signer.signLink({ ...guarded, d: true }))).toEqual({ ok: true, facts: { k: 'link', ...guarded, d: true } });
		for (const bad of ['short', randomBytes(17).toString('base64url'), 'A'.repeat(21) + 'B'])
			expect(() => encodeLinkFacts({ ...facts, h: bad }), bad).toThrow(RangeError);
	});

	it('writes roles by their place in ROLES, which must not change', () => {
		expect(ROLES.slice(0, 5)).toEqual(['leader', 'co-leader', 'member', 'observer', 'supervisor']);
		for (const r of ROLES) expect(decodeLinkFacts(encodeLinkFacts({ ...facts, r }))?.r).toBe(r);
	});

	it('are short: a link with its media key stays under 160 characters for a usual group name', () => {
		const token = signer.signLink({ ...facts, n: 'Balint group, Lund oncology' });
		// 1 tag + 1 header + 16 group + 1+27 name + 1 minutes + 5 expiry + 16 MAC = 68 bytes.
		expect(token).toHaveLength(91);
		expect(link(token).length).toBeLessThanOrEqual(160);
		// A conference group's link (conference id, seats, a replaced generation) adds 19 bytes.
		const conference = signer.signLink({ ...facts, n: 'Balint group, Lund oncology', c: randomId(), s: 14, v: 3 });
		expect(conference.length).toBeLessThanOrEqual(118);
		// The JSON form of the same facts was almost twice as long.
		const body = Buffer.from(JSON.stringify({ k: 'link', ...facts, n: 'Balint group, Lund oncology' })).toString('base64url');
		expect(body.length + 44).toBeGreaterThan(token.length * 1.8);
	});

	it('refuse any altered byte as forged, another key as forged, and other spellings as malformed', () => {
		const token = signer.signLink({ ...facts, c: randomId(), v: 2 });
		const bytes = Buffer.from(token, 'base64url');
		for (let i = 0; i < bytes.length; i++) {
			for (const bit of [0x01, 0x80]) {
				const altered = Buffer.from(bytes);
				altered[i]! ^= bit;
				const result = signer.verifyLink(altered.toString('base64url'));
				// A changed fact that still reads as a link is forged; one that no longer reads, damaged.
				const reads = decodeLinkFacts(altered.subarray(0, -16)) !== null;
				expect(result, `byte ${i}`).toEqual({ ok: false, problem: reads ? 'forged' : 'malformed' });
				if (i >= bytes.length - 16 || (i >= 2 && i < 18)) expect(result.ok || result.problem, `byte ${i}`).toBe('forged');
			}
		}
		// A link cut short (a mail client wrapped it) is incomplete, not altered.
		for (const cut of [1, 5, 21, 22, 30]) expect(signer.verifyLink(token.slice(0, -cut)).ok).toBe(false);
		expect(signer.verifyLink(token.slice(0, -22))).toEqual({ ok: false, problem: 'malformed' });
		expect(new Signer(Buffer.from('t'.repeat(40))).verifyLink(token)).toEqual({ ok: false, problem: 'forged' });
		// A MAC cut short or dropped leaves bytes that are not a compact link.
		expect(signer.verifyLink(bytes.subarray(0, bytes.length - 1).toString('base64url')).ok).toBe(false);
		expect(signer.verifyLink(bytes.subarray(0, bytes.length - 16).toString('base64url')).ok).toBe(false);
		// What a lenient base64 decoder reads the same: refused, not read.
		const last = token.at(-1)!;
		const sameBytes = token.length % 4 === 2 ? 'AQgw' : token.length % 4 === 3 ? 'AEIMQUYcgkosw048' : '';
		const twin = sameBytes.includes(last) ? `${token.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) + 1)}` : null;
		for (const variant of [`${token}=`, `${token} `, ` ${token}`, `${token}\n`, `${token.slice(0, 10)}*${token.slice(10)}`, twin]) {
			if (variant) expect(signer.verifyLink(variant), JSON.stringify(variant)).toEqual({ ok: false, problem: 'malformed' });
		}
		for (const bad of ['', 'abc', 'A'.repeat(40), 'x'.repeat(5000)]) expect(signer.verifyLink(bad).ok).toBe(false);
		expect(signer.verifyLink(signer.signLink({ ...facts, x: future - 7200 }))).toEqual({ ok: false, problem: 'expired' });
		// Correctly signed, but a fact no link may have: malformed, as for the JSON form.
		expect(signer.verifyLink(signer.signLink({ ...facts, r: 'admin' as 'leader' }))).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifyLink(signer.signLink({ ...facts, n: 'x'.repeat(121) }))).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifyLink(signer.signLink({ ...facts, v: MAX_LINK_GENERATION + 1 }))).toEqual({ ok: false, problem: 'malformed' });
		// A compact link is not a seat nor a conference.
		expect(signer.verifySeat(token)).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifyConference(token)).toEqual({ ok: false, problem: 'malformed' });
	});

	it('read strictly: bytes left over, cut short, or a number written long are no link', () => {
		const body = encodeLinkFacts(facts);
		expect(decodeLinkFacts(body)).toEqual({ k: 'link', ...facts });
		expect(decodeLinkFacts(Buffer.concat([body, Buffer.from([0])]))).toBeNull();
		expect(decodeLinkFacts(body.subarray(0, body.length - 1))).toBeNull();
		expect(decodeLinkFacts(Buffer.from([0x02, ...body.subarray(1)]))).toBeNull();
		// 90 written as two bytes (0xda 0x00) instead of one.
		const at = body.indexOf(90, 2 + 16 + 1 + Buffer.byteLength(facts.n));
		expect(decodeLinkFacts(Buffer.concat([body.subarray(0, at), Buffer.from([0xda, 0x00]), body.subarray(at + 1)]))).toBeNull();
	});
});

describe('links handed out in the JSON form', () => {
	it('keep opening, with every fact, until they expire', () => {
		expect(signer.verifyLink(HANDED_OUT.member)).toEqual({ ok: true, facts: { k: 'link', ...OLD_GROUP, r: 'member' } });
		expect(signer.verifyLink(HANDED_OUT.replacedObserver)).toEqual({
			ok: true,
			facts: { k: 'link', ...OLD_GROUP, r: 'observer', c: 'conf-ABCDEFGH', s: 11, v: 2 }
		});
		expect(signer.verifyLink(HANDED_OUT.member, 4102444800 * 1000)).toEqual({ ok: false, problem: 'expired' });
		expect(new Signer(Buffer.from('t'.repeat(40))).verifyLink(HANDED_OUT.member)).toEqual({ ok: false, problem: 'forged' });
		// Altered JSON under the old MAC: forged.
		const [body, mac] = HANDED_OUT.member.split('.') as [string, string];
		const leader = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"member"', '"leader"')).toString('base64url');
		expect(signer.verifyLink(`${leader}.${mac}`)).toEqual({ ok: false, problem: 'forged' });
		// The same facts now sign to the compact form, which opens to the same facts.
		const compact = signer.signLink({ ...OLD_GROUP, r: 'member' });
		expect(signer.verifyLink(compact)).toEqual(signer.verifyLink(HANDED_OUT.member));
		// (This id is no random one: 22 characters that are not 16 bytes' spelling go as text.)
		expect(compact.length).toBeLessThan(HANDED_OUT.member.length * 0.55);
	});

	it('seats in the JSON form keep resuming, and a seat is never a link', () => {
		expect(signer.verifySeat(HANDED_OUT.seat)).toEqual({ ok: true, facts: { k: 'seat', g: OLD_GROUP.g, p: 'person-0001', n: 'Åsa', r: 'member' } });
		expect(signer.verifyLink(HANDED_OUT.seat)).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifySeat(signer.signSeat({ g: OLD_GROUP.g, p: 'person-0001', n: 'Åsa', r: 'member' }))).toEqual(signer.verifySeat(HANDED_OUT.seat));
	});

	it('a replaced generation refuses the old link in either form and opens the new one', () => {
		const generations = new LinkGenerations({ file: null, secret: KEY });
		const legacy = signer.verifyLink(HANDED_OUT.replacedObserver);
		if (!legacy.ok) throw new Error('the handed-out link must open');
		expect(generations.refused(legacy.facts.g, legacy.facts.r, legacy.facts.v)).toBe(false);
		generations.raise(OLD_GROUP.g, 'observer', OLD_GROUP.x);
		generations.raise(OLD_GROUP.g, 'observer', OLD_GROUP.x);
		const current = generations.raise(OLD_GROUP.g, 'observer', OLD_GROUP.x)!;
		expect(generations.refused(legacy.facts.g, legacy.facts.r, legacy.facts.v)).toBe(true);
		const next = signer.verifyLink(signer.signLink({ ...legacy.facts, v: current.generation }));
		expect(next.ok && !generations.refused(next.facts.g, next.facts.r, next.facts.v)).toBe(true);
	});
});

describe('media keys in the fragment', () => {
	it('are 128 bits now; a conference derives keys as long as its secret, so older conferences keep theirs', async () => {
		expect(newMediaKey()).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(await groupMediaKey(newMediaKey(), 'group-0001')).toMatch(/^[A-Za-z0-9_-]{22}$/);
		const older = Buffer.alloc(32, 7).toString('base64url');
		const full = createHmac('sha256', Buffer.alloc(32, 7)).update('balint-room media key group-0001').digest('base64url');
		expect(await groupMediaKey(older, 'group-0001')).toBe(full);
		// The fragment still reads both.
		expect(readFragment(`#${linkFragment('abc', full)}`)).toEqual({ token: 'abc', mediaKey: full, leadersKey: null, plenaryKey: null });
	});
});
