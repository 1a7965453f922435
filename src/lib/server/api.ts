import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { newMediaKey } from '../media/media-key';
import * as v from 'valibot';
import { isLeader, ROLES, type Role } from '../session/roles';
import { DEFAULT_PLANNED_MINUTES, MAX_PLANNED_MINUTES, MIN_PLANNED_MINUTES } from '../session/state';
import type { Config } from './config';
import { HttpError, clientKey, readJson, readText, sendError, sendJson } from './http';
import type { Logger } from './log';
import { parseMediaRoomName, type MediaService } from './media';
import type { RoomRegistry } from './rooms';
import { LINK_KEYS, MAX_TOKEN_LENGTH, mediaKeyField, randomId, type LinkFacts, type Signer, type TokenProblem } from './links';
import type { LinkGenerations } from './link-generations';
import type { RateLimiter } from './rate-limit';
import type { OrganiserIdentity, TicketStore } from './tickets';
import { handleConferenceApi } from './conference-api';
import { linkFragment } from '../sync/link-fragment';

/** A display name: trimmed, printable, short. */
export const NameSchema = v.pipe(
	v.string('A name is required.'),
	v.trim(),
	v.minLength(1, 'Please enter your name.'),
	v.maxLength(60, 'A name has at most 60 characters.'),
	v.regex(/^[^\p{Cc}\p{Cf}]+$/u, 'A name may not contain control characters.')
);

const CreateGroupSchema = v.object({
	name: v.pipe(
		v.string('A group name is required.'),
		v.trim(),
		v.minLength(1, 'Please give the group a name.'),
		v.maxLength(120, 'A group name has at most 120 characters.'),
		v.regex(/^[^\p{Cc}\p{Cf}]+$/u, 'A group name may not contain control characters.')
	),
	plannedMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(MIN_PLANNED_MINUTES), v.maxValue(MAX_PLANNED_MINUTES)), DEFAULT_PLANNED_MINUTES),
	mediaKey: v.optional(mediaKeyField('mediaKey'))
});

const token = v.pipe(v.string('A link token is required.'), v.maxLength(MAX_TOKEN_LENGTH));
const InspectSchema = v.object({ token });
const TicketSchema = v.object({ token, name: NameSchema, seat: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN_LENGTH))) });
/** Which links a leader may replace from the room. (Leader links: issue 15.) */
export const REPLACEABLE_ROLES = ['member', 'observer'] as const;
const ReplaceSchema = v.object({ token, role: v.picklist(REPLACEABLE_ROLES, 'A member or observer link can be replaced.') });

export const PROBLEM_STATUS: Record<TokenProblem, HttpError> = {
	malformed: new HttpError(400, 'link-malformed', 'This link is incomplete or damaged. Ask your group leader for the link again.'),
	forged: new HttpError(401, 'link-invalid', 'This link is not valid. It may have been altered, or it belongs to another installation.'),
	expired: new HttpError(410, 'link-expired', 'This link has expired. Ask your group leader for a new one.')
};
const LINK_REPLACED = new HttpError(410, 'link-replaced', 'The group\'s leaders have replaced this link. Ask them for the new one.');

export interface ApiDeps {
	config: Config;
	signer: Signer;
	tickets: TicketStore;
	limits: { tickets: RateLimiter; groups: RateLimiter; replacements: RateLimiter };
	/** Which generation of each group's links is current (a leader replaced a leaked one). */
	generations: LinkGenerations;
	rooms: RoomRegistry;
	organiserTickets: TicketStore<OrganiserIdentity>;
	media: MediaService | null;
	logger: Logger;
}

/**
 * LiveKit's webhook: keeps "in the media room" in step, puts out anyone the session has not
 * admitted, re-applies each joiner's publishing rights, puts out anyone who publishes sound
 * disguised as another source, and stops any recording (egress) the moment it starts. The signature is checked by the SDK's receiver.
 */
async function mediaWebhook(deps: ApiDeps, req: IncomingMessage): Promise<void> {
	const media = deps.media;
	if (!media) throw new HttpError(404, 'not-found', 'Video is not configured.');
	const raw = await readText(req);
	let event;
	try {
		event = await media.receiveWebhook(raw, req.headers.authorization);
	} catch {
		throw new HttpError(401, 'bad-signature', 'The webhook signature does not match.');
	}
	const roomName = event.room?.name || event.egressInfo?.roomName || '';
	// Only the session's media room now: a room it has moved out of (a removal) is being deleted.
	const named = parseMediaRoomName(roomName);
	const group = named ? deps.rooms.get(named.groupId) : undefined;
	const room = group?.mediaRoom === roomName ? group : undefined;
	const identity = event.participant?.identity;
	if (event.event === 'participant_joined' && identity) room?.joinedMedia(identity);
	if (event.event === 'track_published' && identity && event.track) room?.publishedMedia(identity, event.track);
	if ((event.event === 'participant_left' || event.event === 'participant_connection_aborted') && identity) room?.setInMedia(identity, false);
	const egressId = event.egressInfo?.egressId;
	if (event.event === 'egress_started' && egressId) {
		deps.logger.error({ alarm: 'recording-started' }, 'ALARM: a recording (egress) started in a media room; stopping it now');
		media.background('stop egress', () => media.stopEgress(egressId));
	}
}

export function parse<T extends v.GenericSchema>(schema: T, body: unknown): v.InferOutput<T> {
	const result = v.safeParse(schema, body);
	if (!result.success) throw new HttpError(400, 'invalid-request', result.issues.map((i) => i.message).join(' '));
	return result.output;
}

function keyMatches(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

export function origin(config: Config, req: IncomingMessage): string {
	if (config.publicOrigin) return config.publicOrigin;
	const host = req.headers.host ?? `${config.host}:${config.port}`;
	const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
	return `${encrypted ? 'https' : 'http'}://${host}`;
}

export type GroupLinks = Record<(typeof LINK_KEYS)[keyof typeof LINK_KEYS], string>;

/** A group's four links, signed, each of its current generation; the same facts always give the same links. */
export function signGroupLinks(
	deps: Pick<ApiDeps, 'signer' | 'generations'>,
	group: { id: string; name: string; plannedMinutes: number; mediaKey: string | null; conferenceId?: string; seats?: number },
	expiresAt: number,
	base: string
): GroupLinks {
	const links = {} as GroupLinks;
	for (const role of ROLES) {
		const t = signLink(deps, { g: group.id, n: group.name, m: group.plannedMinutes, x: expiresAt, c: group.conferenceId, s: group.seats }, role);
		links[LINK_KEYS[role]] = `${base}/room#${linkFragment(t, group.mediaKey)}`;
	}
	return links;
}

/** One link of a group, of its current generation. */
function signLink(deps: Pick<ApiDeps, 'signer' | 'generations'>, group: Omit<LinkFacts, 'k' | 'r' | 'v'>, role: Role): string {
	const generation = deps.generations.current(group.g, role);
	return deps.signer.signLink({ ...group, r: role, v: generation > 0 ? generation : undefined });
}

/** A link's facts, once it is signed, unexpired and not replaced. */
function openLink(deps: ApiDeps, token: string): LinkFacts {
	const link = deps.signer.verifyLink(token);
	if (!link.ok) throw PROBLEM_STATUS[link.problem];
	if (deps.generations.refused(link.facts.g, link.facts.r, link.facts.v)) throw LINK_REPLACED;
	return link.facts;
}

/**
 * A leader replaces the group's member or observer link (it leaked, or a lobby floods with it):
 * the old one is refused from now on, also after a restart, and the new one is answered once,
 * as a token: the leader's browser makes the link with the media key only it knows. People
 * already in the room stay; whoever waits in the lobby with the old link is sent away.
 */
async function replaceLink(deps: ApiDeps, req: IncomingMessage): Promise<{ token: string; role: Role; expiresAt: string }> {
	limit(deps, 'groups', req, 'Too many links replaced from here. Wait a minute and try again.');
	const body = parse(ReplaceSchema, await readJson(req));
	const leader = openLink(deps, body.token);
	if (!isLeader(leader.r)) throw new HttpError(403, 'not-allowed', 'Only a leader can replace a link.');
	if (!deps.limits.replacements.take(leader.g)) throw new HttpError(429, 'rate-limited', 'This group\'s links were replaced many times in the last hour. Wait a while and try again.');
	let generation: number | null;
	try {
		// Kept until the group's links expire (they all share one expiry): then no old one opens anyway.
		generation = await deps.generations.raise(leader.g, body.role, leader.x);
	} catch (error) {
		deps.logger.error({ err: { message: (error as Error).message } }, 'the file of replaced links cannot be written');
		throw new HttpError(503, 'unavailable', 'The link cannot be replaced now: the server cannot write its data directory. The old link no longer opens; try again.');
	}
	if (generation === null) throw new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
	const { g, n, m, x, c, s } = leader;
	const token = signLink(deps, { g, n, m, x, c, s }, body.role);
	deps.rooms.get(g)?.linkReplaced(body.role, generation);
	return { token, role: body.role, expiresAt: new Date(x * 1000).toISOString() };
}

export function linkExpiry(config: Config, now = Date.now()): number {
	return Math.floor(now / 1000) + config.linkTtlDays * 86400;
}

/** Creates a group's four links. Used by the landing page and by `POST /api/groups` alike. */
export function createGroupLinks(deps: ApiDeps, input: v.InferOutput<typeof CreateGroupSchema>, base: string, now = Date.now()) {
	// A key made for this answer only when the caller brings none; never stored or logged. The
	// app's own page replaces it with one made in the browser (CreateGroupForm).
	const group = { id: randomId(), name: input.name, plannedMinutes: input.plannedMinutes, mediaKey: input.mediaKey ?? newMediaKey() };
	const expiresAt = linkExpiry(deps.config, now);
	return {
		group: { id: group.id, name: group.name, plannedMinutes: group.plannedMinutes },
		links: signGroupLinks(deps, group, expiresAt, base),
		expiresAt: new Date(expiresAt * 1000).toISOString()
	};
}

/** Counts a request from this client against a limit; a clear 429 once it is spent. */
export function limit(deps: ApiDeps, which: keyof ApiDeps['limits'], req: IncomingMessage, message: string): void {
	if (!deps.limits[which].take(clientKey(req, deps.config.trustedProxies))) throw new HttpError(429, 'rate-limited', message);
}

/** Checks the organiser key when one is configured. */
export function requireOrganiser(deps: ApiDeps, req: IncomingMessage): void {
	if (!deps.config.organiserKey) return;
	const header = req.headers.authorization ?? '';
	const given = header.startsWith('Bearer ') ? header.slice(7) : '';
	if (!given || !keyMatches(given, deps.config.organiserKey)) throw new HttpError(401, 'organiser-key-required', 'Creating groups needs the organiser key.');
}

/** Handles `/api/*`; answers false for any other path. */
export async function handleApi(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
	const path = (req.url ?? '/').split('?')[0] ?? '/';
	if (!path.startsWith('/api/')) return false;
	try {
		if (path === '/api/media/webhook' && req.method === 'POST') {
			await mediaWebhook(deps, req);
			sendJson(res, 200, { ok: true });
		} else if (path === '/api/health' && req.method === 'GET') {
			sendJson(res, 200, { ok: true });
		} else if (path === '/api/config' && req.method === 'GET') {
			sendJson(res, 200, { organiserKeyRequired: deps.config.organiserKey !== null, video: deps.media?.available === true });
		} else if (path === '/api/groups' && req.method === 'POST') {
			limit(deps, 'groups', req, 'Too many groups created from here. Wait a minute and try again.');
			requireOrganiser(deps, req);
			const input = parse(CreateGroupSchema, await readJson(req));
			sendJson(res, 201, createGroupLinks(deps, input, origin(deps.config, req)));
		} else if (path === '/api/links/inspect' && req.method === 'POST') {
			limit(deps, 'tickets', req, 'Too many attempts from here. Wait a minute and try again.');
			const { token: t } = parse(InspectSchema, await readJson(req));
			const f = openLink(deps, t);
			sendJson(res, 200, { group: { id: f.g, name: f.n, plannedMinutes: f.m, inConference: !!f.c }, role: f.r, expiresAt: new Date(f.x * 1000).toISOString() });
		} else if (path === '/api/tickets' && req.method === 'POST') {
			limit(deps, 'tickets', req, 'Too many attempts from here. Wait a minute and try again.');
			const body = parse(TicketSchema, await readJson(req));
			const link = deps.signer.verifyLink(body.token);
			if (!link.ok) throw PROBLEM_STATUS[link.problem];
			const f = link.facts;
			// A seat from an earlier join resumes the same person; anything else starts a new one.
			const seat = body.seat ? deps.signer.verifySeat(body.seat) : null;
			const resumed = seat?.ok && seat.facts.g === f.g && seat.facts.r === f.r ? seat.facts : null;
			// A replaced link opens nothing new; whoever the leaders let in with it keeps their place
			// in the session that runs (a connection that drops comes back).
			if (deps.generations.refused(f.g, f.r, f.v) && !(resumed && deps.rooms.get(f.g)?.admits(resumed.p))) throw LINK_REPLACED;
			const participantId = resumed?.p ?? randomId(12);
			const name = resumed?.n ?? body.name;
			// A share per group and link: a leaked member link used from many addresses cannot
			// keep the group's leaders out.
			const ticket = deps.tickets.issue(
				{ groupId: f.g, plannedMinutes: f.m, participantId, name, role: f.r, conferenceId: f.c, seats: f.s, linkGeneration: f.v },
				`${f.g}/${f.r}`
			);
			if (!ticket) throw new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
			sendJson(res, 200, {
				ticket,
				participantId,
				name,
				role: f.r,
				seat: deps.signer.signSeat({ g: f.g, p: participantId, n: name, r: f.r }),
				group: { id: f.g, name: f.n, plannedMinutes: f.m }
			});
		} else if (path === '/api/links/replace' && req.method === 'POST') {
			sendJson(res, 200, await replaceLink(deps, req));
		} else if (path.startsWith('/api/conferences') && (await handleConferenceApi(deps, deps.organiserTickets, path, req, res))) {
			// answered
		} else {
			throw new HttpError(404, 'not-found', 'No such API endpoint.');
		}
	} catch (error) {
		if (error instanceof HttpError) sendError(res, error);
		else throw error;
	}
	return true;
}
