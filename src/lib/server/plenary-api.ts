import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { isLeader, type Role } from '../session/roles';
import type { PlenaryRole } from '../plenary/protocol';
import type { PlenaryStatus, PlenaryTicketAnswer } from '../sync/api-types';
import { limit, NameSchema, parse, PROBLEM_STATUS, type ApiDeps } from './api-deps';
import { openLink } from './group-links';
import { HttpError, readJson, sendJson } from './http';
import { MAX_CONFERENCE_TOKEN_LENGTH, MAX_TOKEN_LENGTH, randomId } from './links';
import { plenaryShare, type PlenaryIdentity } from './plenary/plenary-room';

/**
 * The conference plenary's two endpoints (docs/api.md): its status, and a ticket for its socket.
 * Either takes a link of any of the conference's groups (its `c` fact says which conference) or
 * the organiser's token. No admission: a conference link is the proof of belonging.
 */
const TokenSchema = v.pipe(v.string('A link token is required.'), v.maxLength(MAX_CONFERENCE_TOKEN_LENGTH));
const StatusSchema = v.object({ token: TokenSchema });
const TicketSchema = v.object({
	token: TokenSchema,
	name: v.optional(NameSchema),
	seat: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN_LENGTH)))
});

const NOT_IN_CONFERENCE = new HttpError(403, 'not-in-conference', 'This link is not a link of a conference group: it opens no plenary.');
const CLOSED = new HttpError(409, 'plenary-closed', 'The plenary is not open. The organiser opens it.');
const FULL = new HttpError(409, 'plenary-full', 'The plenary is full.');

/** The default name of the organiser's entry; the browser shows its own word for it. */
export const ORGANISER_NAME = 'Organiser';

/** Who plays which part in the plenary: leaders moderate, members take part, everyone else listens. */
export function plenaryRoleOf(role: Role): PlenaryRole {
	if (isLeader(role)) return 'moderator';
	return role === 'member' ? 'participant' : 'listener';
}

type Bearer =
	| { conferenceId: string; organiser: true; group: null; role: PlenaryRole; share: null }
	| { conferenceId: string; organiser: false; group: string; role: PlenaryRole; share: PlenaryIdentity['share'] };

/** The organiser's token (a conference token), or a group link of a conference (signed, unexpired, not replaced). */
function bearerOf(deps: ApiDeps, token: string): Bearer {
	const conference = deps.signer.verifyConference(token);
	if (conference.ok) return { conferenceId: conference.facts.c, organiser: true, group: null, role: 'moderator', share: null };
	if (conference.problem === 'expired') throw PROBLEM_STATUS.expired;
	const link = openLink(deps, token);
	if (!link.c) throw NOT_IN_CONFERENCE;
	const role = plenaryRoleOf(link.r);
	return { conferenceId: link.c, organiser: false, group: link.n, role, share: plenaryShare(link.g, role, link.s) };
}

export async function handlePlenaryApi(deps: ApiDeps, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
	if (req.method !== 'POST' || (path !== '/api/plenary/status' && path !== '/api/plenary/ticket')) return false;
	await limit(deps, path === '/api/plenary/status' ? 'plenaryStatus' : 'tickets', req, 'Too many attempts from here. Wait a minute and try again.');
	const body = parse(path === '/api/plenary/status' ? StatusSchema : TicketSchema, await readJson(req, MAX_CONFERENCE_TOKEN_LENGTH + 1024));
	const bearer = bearerOf(deps, body.token);
	if (path === '/api/plenary/status') {
		sendJson(res, 200, deps.plenaries.status(bearer.conferenceId) satisfies PlenaryStatus);
		return true;
	}
	const { name: given, seat } = body as v.InferOutput<typeof TicketSchema>;
	const plenary = deps.plenaries.get(bearer.conferenceId);
	if (!plenary) throw CLOSED;
	// A seat from an earlier entry resumes the same person, with the same part; anything else is someone new.
	const held = seat ? deps.signer.verifyPlenarySeat(seat) : null;
	const resumed = held?.ok && held.facts.c === bearer.conferenceId && held.facts.r === bearer.role && held.facts.o === bearer.organiser ? held.facts : null;
	if (!resumed && (plenary.full || plenary.shareFull(bearer.share))) throw FULL;
	const name = resumed?.n ?? given ?? (bearer.organiser ? ORGANISER_NAME : null);
	if (!name) throw new HttpError(400, 'invalid-request', 'Please enter your name.');
	const participantId = resumed?.p ?? randomId(12);
	const identity: PlenaryIdentity = {
		conferenceId: bearer.conferenceId,
		participantId,
		name,
		role: bearer.role,
		organiser: bearer.organiser,
		group: bearer.group,
		share: bearer.share
	};
	// Tickets too are shared per conference, group and part: a leaked link used from many addresses cannot keep the rest out.
	const ticket = await deps.plenaryTickets.issue(identity, `plenary/${bearer.conferenceId}/${bearer.share?.key ?? '\0organiser'}`);
	if (!ticket) throw new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
	sendJson(res, 200, {
		ticket,
		participantId,
		name,
		role: bearer.role,
		seat: deps.signer.signPlenarySeat({ c: bearer.conferenceId, p: participantId, n: name, r: bearer.role, o: bearer.organiser }),
		conferenceId: bearer.conferenceId,
		title: plenary.title
	} satisfies PlenaryTicketAnswer);
	return true;
}
