import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LeaderPassphrases, PASSPHRASE_MAX_CHARS, normalisePassphrase, passphraseProblem } from './leader-passphrase';

const key = Buffer.from('k'.repeat(40));
const passphrases = new LeaderPassphrases(key);

async function verifierOf(p: LeaderPassphrases, groupId: string, passphrase: string): Promise<string> {
	const slot = p.slot();
	if (!slot) throw new Error('no slot');
	return slot.verifier(groupId, passphrase);
}

describe("the leaders' passphrase verifier", () => {
	it('is stable, 22 base64url characters, and differs per group, per passphrase and per server key', async () => {
		const one = await verifierOf(passphrases, 'group-aaaa', 'lantern by the sea');
		expect(one).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(await verifierOf(passphrases, 'group-aaaa', 'lantern by the sea')).toBe(one);
		expect(await verifierOf(new LeaderPassphrases(Buffer.from('k'.repeat(40))), 'group-aaaa', 'lantern by the sea')).toBe(one);
		expect(await verifierOf(passphrases, 'group-bbbb', 'lantern by the sea')).not.toBe(one);
		expect(await verifierOf(passphrases, 'group-aaaa', 'lantern by the sex')).not.toBe(one);
		expect(await verifierOf(new LeaderPassphrases(randomBytes(32)), 'group-aaaa', 'lantern by the sea')).not.toBe(one);
	});

	it('matches the passphrase it was made of, in either Unicode spelling and with spaces around, and nothing else', async () => {
		const composed = 'Café über Öresund';
		const decomposed = composed.normalize('NFD');
		expect(decomposed).not.toBe(composed);
		const verifier = await verifierOf(passphrases, 'group-aaaa', composed);
		expect(await passphrases.slot()!.matches('group-aaaa', `  ${decomposed}\t`, verifier)).toBe(true);
		expect(await passphrases.slot()!.matches('group-aaaa', 'Cafe uber Oresund', verifier)).toBe(false);
		expect(await passphrases.slot()!.matches('group-bbbb', composed, verifier)).toBe(false);
		expect(normalisePassphrase(` ${decomposed} `)).toBe(composed);
	});

	it('takes 8 to 128 characters (counted after normalising, astral characters as one), and says so in English otherwise', () => {
		expect(passphraseProblem('1234567')).toMatch(/8 to 128 characters/);
		expect(passphraseProblem('   1234567   ')).toMatch(/8 to 128 characters/);
		expect(passphraseProblem('12345678')).toBeNull();
		expect(passphraseProblem('🌊'.repeat(PASSPHRASE_MAX_CHARS))).toBeNull();
		expect(passphraseProblem('a'.repeat(PASSPHRASE_MAX_CHARS + 1))).toMatch(/8 to 128 characters/);
		expect(passphraseProblem('')).not.toBeNull();
	});

	it('runs at most two slow hashes at once, and a slot given back (used or not) is free again', async () => {
		const p = new LeaderPassphrases(key);
		const a = p.slot()!;
		const b = p.slot()!;
		expect(p.slot()).toBeNull();
		expect(p.running).toBe(2);
		b.release();
		b.release();
		expect(p.running).toBe(1);
		const c = p.slot()!;
		expect(p.slot()).toBeNull();
		const hashing = Promise.all([a.verifier('group-aaaa', 'lantern by the sea'), c.verifier('group-aaaa', 'lantern by the sea')]);
		expect(p.slot()).toBeNull();
		await hashing;
		expect(p.running).toBe(0);
		expect(p.slot()).not.toBeNull();
	});
});
