import * as v from 'valibot';
import { guardedByPassphrase } from '../session/roles';
import type { PassphraseInfo } from '../sync/api-types';
import type { ApiDeps } from './api-deps';
import { HttpError } from './http';
import { passphraseProblem, PASSPHRASE_MAX_CHARS } from './leader-passphrase';
import type { LinkFacts, SeatFacts } from './links';

/**
 * Where the API meets the leaders' passphrase (issue 15): made into a verifier when a group is
 * created, asked for at the ticket exchange of a link that carries one. The passphrase itself is
 * never logged, echoed or kept: it lives for one request, and only its verifier goes on.
 */

/** The passphrase as a request carries it: bounded before anything is done with it (`passphraseProblem` says the rest). */
export const PassphraseField = v.pipe(v.string('A passphrase is text.'), v.maxLength(PASSPHRASE_MAX_CHARS * 8, 'A passphrase has at most 128 characters.'));

const BUSY = () => new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
const WRONG = () => new HttpError(403, 'wrong-passphrase', "This is not the leaders' passphrase of this group.");

/** Whether this link's holder must give the passphrase (the inspect answer says so to the join form). */
export function passphraseInfo(link: LinkFacts): PassphraseInfo {
	return guardedByPassphrase(link.r) && link.h ? { passphrase: true } : {};
}

/** The verifier for a new group's links; 400 for a passphrase out of bounds, 503 while the slow hashes are all taken. */
export async function newVerifier(deps: Pick<ApiDeps, 'passphrases'>, groupId: string, passphrase: string): Promise<string> {
	const problem = passphraseProblem(passphrase);
	if (problem) throw new HttpError(400, 'passphrase-invalid', problem);
	const slot = deps.passphrases.slot();
	if (!slot) throw BUSY();
	return slot.verifier(groupId, passphrase);
}

/**
 * Lets a ticket through for a link the passphrase guards, or refuses it and changes nothing. A
 * seat the running room admits now (a reload, a dropped network) needs none. Otherwise, in this
 * order: no passphrase, 401; no slow hash free, 503 (spends no attempt); the group's attempts
 * spent, 429, before any hashing, so a script that keeps asking costs the server nothing more;
 * wrong, 403. Another group's attempts are its own.
 */
export async function passGate(deps: ApiDeps, link: LinkFacts, resumed: SeatFacts | null, passphrase: string | undefined): Promise<void> {
	if (!guardedByPassphrase(link.r) || !link.h) return;
	if (resumed && deps.rooms.get(link.g)?.admits(resumed.p)) return;
	if (passphrase === undefined) throw new HttpError(401, 'passphrase-needed', "This leader link needs the leaders' passphrase the group was created with.");
	const slot = deps.passphrases.slot();
	if (!slot) throw BUSY();
	try {
		if (!(await deps.limits.passphrases.take(link.g)))
			throw new HttpError(429, 'rate-limited', 'Too many passphrase attempts for this group. Wait a quarter of an hour and try again.');
		// One that could never have been set cannot be right: no hash spent on it.
		if (passphraseProblem(passphrase) !== null || !(await slot.matches(link.g, passphrase, link.h))) throw WRONG();
	} finally {
		slot.release();
	}
}
