import { createHmac, scrypt, timingSafeEqual } from 'node:crypto';
import { normalisePassphrase, passphraseFits, PASSPHRASE_MAX_CHARS, PASSPHRASE_MIN_CHARS } from '../session/passphrase';

export { normalisePassphrase, PASSPHRASE_MAX_CHARS, PASSPHRASE_MIN_CHARS } from '../session/passphrase';

/**
 * The leaders' passphrase (issue 15), never stored: a group's leader and co-leader links carry
 * only its verifier (link fact `h`), the first 16 bytes of HMAC-SHA-256, under a key derived
 * from the server's signing key, over `groupId \0 scrypt(passphrase, salt = groupId)`.
 *
 * So the verifier in a leader link found in a browser's history cannot be guessed offline
 * without the server's key (every guess has to go through the server, which limits them per
 * group), and should that key leak too, each guess still costs a slow hash per group.
 */

/** What `h` holds: 16 bytes, as many as the compact link's extension carries. */
const VERIFIER_BYTES = 16;
/** scrypt's cost: N = 2^15, r = 8, p = 1 takes 32 MiB and some 50-100 ms per hash. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const SCRYPT_BYTES = 32;
/** Slow hashes at once in this process: a client that sends faster buys no more of the server. */
const CONCURRENT_HASHES = 2;

/** Why a passphrase cannot be a group's (in English, for scripts; the browser shows the code's translation), or null. */
export function passphraseProblem(raw: string): string | null {
	if (!passphraseFits(raw)) return `A leaders' passphrase has ${PASSPHRASE_MIN_CHARS} to ${PASSPHRASE_MAX_CHARS} characters.`;
	return null;
}

function slowHash(passphrase: string, groupId: string): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scrypt(normalisePassphrase(passphrase), groupId, SCRYPT_BYTES, SCRYPT, (error, key) => (error ? reject(error) : resolve(key)))
	);
}

/** One of the few slow hashes the process runs at once; `release` it if it is not used. */
export interface HashSlot {
	/** The verifier of `passphrase` for `groupId` (base64url, 22 characters). Releases the slot. */
	verifier(groupId: string, passphrase: string): Promise<string>;
	/** Whether `passphrase` is the one `verifier` was made of, for `groupId`. Releases the slot. */
	matches(groupId: string, passphrase: string, verifier: string): Promise<boolean>;
	release(): void;
}

/** Makes and checks verifiers with a key of their own, derived from the signing key (never the signing key itself). */
export class LeaderPassphrases {
	readonly #key: Buffer;
	readonly #concurrent: number;
	#running = 0;

	constructor(signingKey: Buffer, { concurrent = CONCURRENT_HASHES } = {}) {
		this.#key = createHmac('sha256', signingKey).update('balint-room leader-passphrase').digest();
		this.#concurrent = concurrent;
	}

	/** Slow hashes running now. */
	get running(): number {
		return this.#running;
	}

	/** A slot for one slow hash, or null while as many as the process allows are running (answer `busy`). */
	slot(): HashSlot | null {
		if (this.#running >= this.#concurrent) return null;
		this.#running += 1;
		let held = true;
		const release = () => {
			if (held) this.#running -= 1;
			held = false;
		};
		const verifier = async (groupId: string, passphrase: string) => {
			try {
				return await this.#verifier(groupId, passphrase);
			} finally {
				release();
			}
		};
		return {
			verifier,
			async matches(groupId, passphrase, expected) {
				const given = Buffer.from(await verifier(groupId, passphrase), 'base64url');
				const wanted = Buffer.from(expected, 'base64url');
				return wanted.length === VERIFIER_BYTES && timingSafeEqual(given, wanted);
			},
			release
		};
	}

	async #verifier(groupId: string, passphrase: string): Promise<string> {
		const slow = await slowHash(passphrase, groupId);
		return createHmac('sha256', this.#key).update(groupId).update('\0').update(slow).digest().subarray(0, VERIFIER_BYTES).toString('base64url');
	}
}
