import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { newMediaKey } from '../media/media-key';
import * as v from 'valibot';
import { ROLES } from '../session/roles';
import { DEFAULT_PLANNED_MINUTES, MAX_PLANNED_MINUTES, MIN_PLANNED_MINUTES } from '../session/state';
import type { Config } from './config';
import { HttpError, clientKey, readJson, readText, sendError, sendJson } from './http';
import type { Logger } from './log';
import { parseMediaRoomName, type MediaService } from './media';
import type { RoomRegistry } from './rooms';
import { LINK_KEYS, MAX_TOKEN_LENGTH, linkFragment, mediaKeyField, randomId, type Signer, type TokenProblem } from './links';
import type { RateLimiter } from './rate-limit';
import type { OrganiserIdentity, TicketStore } from './tickets';
import { handleConferenceApi } from './conference-api';

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

export const PROBLEM_STATUS: Record<TokenProblem, HttpError> = {
	malformed: new HttpError(400, 'link-malformed', 'This link is incomplete or damaged. Ask your group leader for the link again.'),
	forged: new HttpError(401, 'link-invalid', 'This link is not valid. It may have been altered, or it belongs to another installation.'),
	expired: new HttpError(410, 'link-expired', 'This link has expired. Ask your group leader for a new one.')
};

export interface ApiDeps {
	config: Config;
	signer: Signer;
	tickets: TicketStore;
	limits: { tickets: RateLimiter; groups: RateLimiter };
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

/** A group's four links, signed; the same facts always give the same links. */
export function signGroupLinks(
	signer: Signer,
	group: { id: string; name: string; plannedMinutes: number; mediaKey: string | null; conferenceId?: string; seats?: number },
	expiresAt: number,
	base: string
): GroupLinks {
	const links = {} as GroupLinks;
	for (const role of ROLES) {
		const t = signer.signLink({ g: group.id, n: group.name, r: role, m: group.plannedMinutes, x: expiresAt, c: group.conferenceId, s: group.seats });
		links[LINK_KEYS[role]] = `${base}/room#${linkFragment(t, group.mediaKey)}`;
	}
	return links;
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
		links: signGroupLinks(deps.signer, group, expiresAt, base),
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
			const link = deps.signer.verifyLink(t);
			if (!link.ok) throw PROBLEM_STATUS[link.problem];
			const f = link.facts;
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
			const participantId = resumed?.p ?? randomId(12);
			const name = resumed?.n ?? body.name;
			// A share per group and link: a leaked member link used from many addresses cannot
			// keep the group's leaders out.
			const ticket = deps.tickets.issue({ groupId: f.g, plannedMinutes: f.m, participantId, name, role: f.r, conferenceId: f.c, seats: f.s }, `${f.g}/${f.r}`);
			if (!ticket) throw new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
			sendJson(res, 200, {
				ticket,
				participantId,
				name,
				role: f.r,
				seat: deps.signer.signSeat({ g: f.g, p: participantId, n: name, r: f.r }),
				group: { id: f.g, name: f.n, plannedMinutes: f.m }
			});
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
