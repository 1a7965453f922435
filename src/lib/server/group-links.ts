import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import {
	guardedByPassphrase,
	inLeadersChannel,
	isLeader,
	overrules,
	REPLACEABLE_ROLES,
	ROLES,
	SHOWN_AGAIN_ROLES,
	type ReplaceableRole,
	type Role
} from '../session/roles';
import type { SeriesPlan } from '../schedule/series';
import type { GroupLinks, RoleLink } from '../sync/api-types';
import { linkFragment } from '../sync/link-fragment';
import { LinkTokenSchema, limit, origin, parse, PROBLEM_STATUS, type ApiDeps } from './api-deps';
import type { Config } from './config';
import { HttpError, readJson } from './http';
import { LINK_KEYS, MAX_TOKEN_LENGTH, type LinkFacts } from './links';

/**
 * A group's links: signing them (each of its current generation), opening one, and the two
 * things a leader can do with them from the room: show the member or observer link again,
 * and replace one that leaked, a leader link too (link-generations.ts keeps which generation
 * is current). Both only for a leader in the room: the request carries their seat.
 */

const LINK_REPLACED = new HttpError(410, 'link-replaced', "The group's leaders have replaced this link. Ask them for the new one.");
const NOT_IN_ROOM = new HttpError(403, 'not-in-room', "Only a leader in the group's room can do this. Open the room with your link first.");
const SeatField = v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN_LENGTH)));
const ShowLinkSchema = v.object({
	token: LinkTokenSchema,
	role: v.picklist(SHOWN_AGAIN_ROLES, 'Only a member or observer link can be shown again; a leader or supervisor link is shown once, when it is made.'),
	seat: SeatField
});
const ReplaceLinkSchema = v.object({
	token: LinkTokenSchema,
	role: v.picklist(REPLACEABLE_ROLES, 'No such link to replace.'),
	seat: SeatField
});

/** What the group's facts are, without a role or generation: every link of a group shares them. */
type GroupFacts = Omit<LinkFacts, 'k' | 'r' | 'v'>;

export function linkExpiry(config: Config, now = Date.now()): number {
	return Math.floor(now / 1000) + config.linkTtlDays * 86400;
}

/** One link of a group, of its current generation; the passphrase verifier only in the links it guards. */
function signLink(deps: Pick<ApiDeps, 'signer' | 'generations'>, group: GroupFacts, role: Role): string {
	const generation = deps.generations.current(group.g, role);
	return deps.signer.signLink({ ...group, r: role, v: generation > 0 ? generation : undefined, h: guardedByPassphrase(role) ? group.h : undefined });
}

/**
 * A group's five links, signed, each of its current generation; the same facts always give the
 * same links. The leaders' key, when given, goes into the leader, co-leader and supervisor links
 * only; the plenary key into every one.
 */
export function signGroupLinks(
	deps: Pick<ApiDeps, 'signer' | 'generations'>,
	group: {
		id: string;
		name: string;
		plannedMinutes: number;
		mediaKey: string | null;
		leadersKey?: string | null;
		conferenceId?: string;
		seats?: number;
		demo?: boolean;
		series?: SeriesPlan;
		/** The conference plenary's media key, in every link of a conference group. */
		plenaryKey?: string | null;
		/** The leaders' passphrase verifier (leader-passphrase.ts), when they set one: in the leader and co-leader links. */
		passphraseVerifier?: string;
	},
	expiresAt: number,
	base: string
): GroupLinks {
	const links = {} as GroupLinks;
	const facts: GroupFacts = {
		g: group.id,
		n: group.name,
		m: group.plannedMinutes,
		x: expiresAt,
		c: group.conferenceId,
		s: group.seats,
		d: group.demo || undefined,
		e: group.series,
		h: group.passphraseVerifier
	};
	for (const role of ROLES) {
		const leadersKey = inLeadersChannel(role) ? (group.leadersKey ?? null) : null;
		links[LINK_KEYS[role]] = `${base}/room#${linkFragment(signLink(deps, facts, role), group.mediaKey, leadersKey, group.plenaryKey ?? null)}`;
	}
	return links;
}

/** A link's facts, once it is signed, unexpired and not replaced. */
export function openLink(deps: ApiDeps, token: string): LinkFacts {
	const link = deps.signer.verifyLink(token);
	if (!link.ok) throw PROBLEM_STATUS[link.problem];
	if (deps.generations.refused(link.facts.g, link.facts.r, link.facts.v)) throw LINK_REPLACED;
	return link.facts;
}

/**
 * Whether a link of a replaced generation shuts this person out: it still serves only someone
 * the leaders let into the session that is running (their connection dropped). After a restart
 * that session's admissions are not known yet, so they too need the new link (docs/security.md).
 * Asked at the ticket exchange and again at the upgrade (a ticket taken just before the link
 * was replaced).
 */
export function shutOut(deps: Pick<ApiDeps, 'generations' | 'rooms'>, link: Pick<LinkFacts, 'g' | 'r' | 'v'>, participantId: string | null): boolean {
	return deps.generations.refused(link.g, link.r, link.v) && !(participantId && deps.rooms.get(link.g)?.admits(participantId));
}

/** A ticket for a replaced link: only for someone coming back to the running session with their own seat (`shutOut`). */
export function refuseReplaced(deps: ApiDeps, link: LinkFacts, resumedParticipant: string | null): void {
	if (shutOut(deps, link, resumedParticipant)) throw LINK_REPLACED;
}

/**
 * The leader a request acts for: a leader's link (signed, unexpired) and the seat of someone the
 * running room let in with that link's group and role. A link alone, found in a browser's history,
 * shows and replaces nothing. A replaced link still serves the one the room let in with it, as
 * it does at the ticket exchange (`shutOut`): they stay in the room, and a leader removes an impostor.
 */
function leaderInRoom(deps: ApiDeps, token: string, seat: string | undefined): LinkFacts {
	const link = deps.signer.verifyLink(token);
	if (!link.ok) throw PROBLEM_STATUS[link.problem];
	const leader = link.facts;
	const held = seat ? deps.signer.verifySeat(seat) : null;
	const participant = held?.ok && held.facts.g === leader.g && held.facts.r === leader.r ? held.facts.p : null;
	if (shutOut(deps, leader, participant)) throw LINK_REPLACED;
	if (!isLeader(leader.r)) throw new HttpError(403, 'not-allowed', 'Only a leader can do this.');
	if (!participant || !deps.rooms.get(leader.g)?.admits(participant)) throw NOT_IN_ROOM;
	return leader;
}

function roleLink(deps: ApiDeps, req: IncomingMessage, leader: LinkFacts, role: ReplaceableRole, saved: boolean): RoleLink {
	// Every fact of the group but the role and generation: a demonstration group's member link
	// stays one, and a member link shown again or replaced keeps the group's meetings.
	// The passphrase verifier goes only into the links it guards (`signLink`).
	const { g, n, m, x, c, s, d, e, h } = leader;
	const token = signLink(deps, { g, n, m, x, c, s, d, e, h }, role);
	return { role, token, link: `${origin(deps.config, req)}/room#${linkFragment(token, null)}`, expiresAt: new Date(x * 1000).toISOString(), saved };
}

/** A leader in the room shows the group's current member or observer link again (to a late member, or the co-leader after a replacement). */
export async function currentLink(deps: ApiDeps, req: IncomingMessage): Promise<RoleLink> {
	await limit(deps, 'tickets', req, 'Too many attempts from here. Wait a minute and try again.');
	const body = parse(ShowLinkSchema, await readJson(req));
	return roleLink(deps, req, leaderInRoom(deps, body.token, body.seat), body.role, true);
}

/**
 * A leader in the room replaces one of the group's links (it leaked, or a lobby floods with it),
 * a leader's link only as far as they `overrules` its role (a co-leader never the leader's): the
 * old one is refused from now on, also after a restart, and the new one is answered as a token:
 * the leader's browser makes the link with the keys only it knows. People already in the room
 * stay; whoever waits in the lobby with the old link is sent away.
 */
export async function replaceLink(deps: ApiDeps, req: IncomingMessage): Promise<RoleLink> {
	await limit(deps, 'replacementsFrom', req, 'Too many links replaced from here. Wait a while and try again.');
	const body = parse(ReplaceLinkSchema, await readJson(req));
	const leader = leaderInRoom(deps, body.token, body.seat);
	const role = body.role;
	if (!overrules(leader.r, role)) throw new HttpError(403, 'not-allowed', "A co-leader cannot replace the leader's link.");
	if (!(await deps.limits.replacements.take(leader.g)))
		throw new HttpError(429, 'rate-limited', "This group's links were replaced many times in the last hour. Wait a while and try again.");
	// Kept until the group's links expire (they all share one expiry): then no old one opens anyway.
	const raised = await deps.generations.raise(leader.g, role, leader.x);
	if (!raised) throw new HttpError(503, 'busy', 'No more links can be replaced on this server just now. Ask its operator.');
	deps.rooms.get(leader.g)?.linkReplaced(role, raised.generation);
	let saved = true;
	try {
		await raised.saved;
	} catch (error) {
		// In force all the same: refusing the old link now matters more than a file.
		saved = false;
		deps.logger.error(
			{ err: { message: (error as Error).message } },
			'the file of replaced links cannot be written; a restart would accept the replaced link again'
		);
	}
	return roleLink(deps, req, leader, role, saved);
}
