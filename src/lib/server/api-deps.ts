import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import type { Config } from './config';
import { HttpError, clientKey } from './http';
import type { LeaderPassphrases } from './leader-passphrase';
import type { LinkGenerationStore } from './link-generations';
import { MAX_TOKEN_LENGTH, type Signer, type TokenProblem } from './links';
import type { Logger } from './log';
import type { MediaService } from './media';
import type { RateLimiter } from './rate-limit';
import type { PlenaryIdentity } from './plenary/plenary-room';
import type { PlenaryRegistry } from './plenary/registry';
import type { RoomRegistry } from './rooms';
import type { OrganiserIdentity, TicketStore } from './tickets';

/**
 * What every JSON endpoint works with, and the checks they share (input, limits, the
 * organiser key, a link's problems). The group API, the link endpoints and the conference
 * API each import this; none imports another.
 */
export interface ApiDeps {
	config: Config;
	signer: Signer;
	tickets: TicketStore;
	/** Per client address (`tickets`, `groups`, `replacementsFrom`, `plenaryStatus`) and per group (`replacements`, `passphrases`). */
	limits: {
		tickets: RateLimiter;
		groups: RateLimiter;
		replacements: RateLimiter;
		replacementsFrom: RateLimiter;
		plenaryStatus: RateLimiter;
		/** Attempts at a group's leaders' passphrase (passphrase-gate.ts). */
		passphrases: RateLimiter;
	};
	/** The leaders' passphrase verifiers, and the few slow hashes the process runs at once. */
	passphrases: LeaderPassphrases;
	/** Which generation of each group's links is current (a leader replaced a leaked one). */
	generations: LinkGenerationStore;
	rooms: RoomRegistry;
	organiserTickets: TicketStore<OrganiserIdentity>;
	/** The conferences' open plenaries, and the tickets for their sockets. */
	plenaries: PlenaryRegistry;
	plenaryTickets: TicketStore<PlenaryIdentity>;
	media: MediaService | null;
	logger: Logger;
}

/** A link's token as a request carries it. */
/** A display name: trimmed, printable, short (a group's ticket and the plenary's). */
export const NameSchema = v.pipe(
	v.string('A name is required.'),
	v.trim(),
	v.minLength(1, 'Please enter your name.'),
	v.maxLength(60, 'A name has at most 60 characters.'),
	v.regex(/^[^\p{Cc}\p{Cf}]+$/u, 'A name may not contain control characters.')
);

export const LinkTokenSchema = v.pipe(v.string('A link token is required.'), v.maxLength(MAX_TOKEN_LENGTH));

export const PROBLEM_STATUS: Record<TokenProblem, HttpError> = {
	malformed: new HttpError(400, 'link-malformed', 'This link is incomplete or damaged. Ask your group leader for the link again.'),
	forged: new HttpError(401, 'link-invalid', 'This link is not valid. It may have been altered, or it belongs to another installation.'),
	expired: new HttpError(410, 'link-expired', 'This link has expired. Ask your group leader for a new one.')
};

export function parse<T extends v.GenericSchema>(schema: T, body: unknown): v.InferOutput<T> {
	const result = v.safeParse(schema, body);
	if (!result.success) throw new HttpError(400, 'invalid-request', result.issues.map((i) => i.message).join(' '));
	return result.output;
}

/** Counts a request from this client against a per-address limit; a clear 429 once it is spent. */
export async function limit(
	deps: ApiDeps,
	which: 'tickets' | 'groups' | 'replacementsFrom' | 'plenaryStatus',
	req: IncomingMessage,
	message: string
): Promise<void> {
	if (!(await deps.limits[which].take(clientKey(req, deps.config.trustedProxies)))) throw new HttpError(429, 'rate-limited', message);
}

function keyMatches(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

/** Checks the organiser key when one is configured. */
export function requireOrganiser(deps: ApiDeps, req: IncomingMessage): void {
	if (!deps.config.organiserKey) return;
	const header = req.headers.authorization ?? '';
	const given = header.startsWith('Bearer ') ? header.slice(7) : '';
	if (!given || !keyMatches(given, deps.config.organiserKey)) throw new HttpError(401, 'organiser-key-required', 'Creating groups needs the organiser key.');
}

/** The origin links are made for: PUBLIC_ORIGIN, or the one the request came to. */
export function origin(config: Config, req: IncomingMessage): string {
	if (config.publicOrigin) return config.publicOrigin;
	const host = req.headers.host ?? `${config.host}:${config.port}`;
	const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
	return `${encrypted ? 'https' : 'http'}://${host}`;
}
