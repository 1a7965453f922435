import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { newMediaKey } from '../media/media-key';
import { newLeadersKey } from '../sync/leaders-key';
import { DEFAULT_PLANNED_MINUTES, MAX_PLANNED_MINUTES, MIN_PLANNED_MINUTES } from '../session/state';
import { LinkTokenSchema, limit, NameSchema, origin, parse, PROBLEM_STATUS, requireOrganiser, type ApiDeps } from './api-deps';
import { handleConferenceApi } from './conference-api';
import { currentLink, linkExpiry, openLink, refuseReplaced, replaceLink, signGroupLinks } from './group-links';
import { HttpError, readJson, readText, sendError, sendJson } from './http';
import { MAX_TOKEN_LENGTH, mediaKeyField, randomId } from './links';
import { parseMediaRoomName } from './media';
import { newVerifier, PassphraseField, passGate, passphraseInfo } from './passphrase-gate';
import { linkPlan, linkSeries, seriesLinkExpiry, seriesOfRequest, SeriesRequestSchema } from './series-api';
import { handlePlenaryApi } from './plenary-api';
import { plenaryWebhook } from './plenary/webhook';
import type { AppConfigAnswer, CreatedGroup, LinkInfo, TicketAnswer } from '../sync/api-types';

const CreateGroupSchema = v.object({
	name: v.pipe(
		v.string('A group name is required.'),
		v.trim(),
		v.minLength(1, 'Please give the group a name.'),
		v.maxLength(120, 'A group name has at most 120 characters.'),
		v.regex(/^[^\p{Cc}\p{Cf}]+$/u, 'A group name may not contain control characters.')
	),
	plannedMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(MIN_PLANNED_MINUTES), v.maxValue(MAX_PLANNED_MINUTES)), DEFAULT_PLANNED_MINUTES),
	mediaKey: v.optional(mediaKeyField('mediaKey')),
	leadersKey: v.optional(mediaKeyField('leadersKey')),
	/** A demonstration group (the workshop fishbowl): its links carry `d`, its room takes 40 observers more. */
	demo: v.optional(v.boolean('"demo" is true or false.'), false),
	/** The group's meetings (series-api.ts); its `minutes`, else `plannedMinutes`, is each meeting's length. */
	series: v.optional(SeriesRequestSchema),
	/** The leaders' passphrase (passphrase-gate.ts): only its verifier goes into the leader and co-leader links. */
	leaderPassphrase: v.optional(PassphraseField)
});

const InspectSchema = v.object({ token: LinkTokenSchema });
const TicketSchema = v.object({
	token: LinkTokenSchema,
	name: NameSchema,
	seat: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN_LENGTH))),
	passphrase: v.optional(PassphraseField)
});

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
	plenaryWebhook(deps.plenaries, roomName, event);
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

/** `demo` in a group's answers only for a demonstration group: a plain group's answers stay as they were. */
function demoInfo(demo: boolean | undefined): { demo?: true } {
	return demo ? { demo: true } : {};
}

/** Creates a group's five links (`POST /api/groups`, which the start page calls too). */
async function createGroupLinks(deps: ApiDeps, input: v.InferOutput<typeof CreateGroupSchema>, base: string, now = Date.now()): Promise<CreatedGroup> {
	// Keys made for this answer only when the caller brings none; never stored or logged. The
	// app's own page replaces them with ones made in the browser (CreateGroupForm).
	// A series sets the planned length, and its links expire a while after its last meeting.
	const series = input.series ? seriesOfRequest(input.series, input.plannedMinutes, now, deps.config.linkTtlDays) : null;
	const id = randomId();
	const group = {
		id,
		name: input.name,
		plannedMinutes: series?.spec.minutes ?? input.plannedMinutes,
		mediaKey: input.mediaKey ?? newMediaKey(),
		leadersKey: input.leadersKey ?? newLeadersKey(),
		demo: input.demo,
		series: series ? linkPlan(series.spec) : undefined,
		passphraseVerifier: input.leaderPassphrase === undefined ? undefined : await newVerifier(deps, id, input.leaderPassphrase)
	};
	const expiresAt = series ? seriesLinkExpiry(deps.config, series.meetings) : linkExpiry(deps.config, now);
	return {
		group: {
			id: group.id,
			name: group.name,
			plannedMinutes: group.plannedMinutes,
			...demoInfo(group.demo),
			...(series && { series: { timeZone: series.spec.timeZone, meetings: series.meetings } })
		},
		links: signGroupLinks(deps, group, expiresAt, base),
		expiresAt: new Date(expiresAt * 1000).toISOString(),
		...(group.passphraseVerifier ? { passphrase: true as const } : {})
	};
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
			sendJson(res, 200, { organiserKeyRequired: deps.config.organiserKey !== null, video: deps.media?.available === true } satisfies AppConfigAnswer);
		} else if (path === '/api/groups' && req.method === 'POST') {
			await limit(deps, 'groups', req, 'Too many groups created from here. Wait a minute and try again.');
			requireOrganiser(deps, req);
			const input = parse(CreateGroupSchema, await readJson(req));
			sendJson(res, 201, await createGroupLinks(deps, input, origin(deps.config, req)));
		} else if (path === '/api/links/inspect' && req.method === 'POST') {
			await limit(deps, 'tickets', req, 'Too many attempts from here. Wait a minute and try again.');
			const { token: t } = parse(InspectSchema, await readJson(req));
			const f = openLink(deps, t);
			sendJson(res, 200, {
				group: { id: f.g, name: f.n, plannedMinutes: f.m, inConference: !!f.c, ...demoInfo(f.d), series: linkSeries(f) },
				role: f.r,
				expiresAt: new Date(f.x * 1000).toISOString(),
				...passphraseInfo(f)
			} satisfies LinkInfo);
		} else if (path === '/api/tickets' && req.method === 'POST') {
			await limit(deps, 'tickets', req, 'Too many attempts from here. Wait a minute and try again.');
			const body = parse(TicketSchema, await readJson(req));
			const link = deps.signer.verifyLink(body.token);
			if (!link.ok) throw PROBLEM_STATUS[link.problem];
			const f = link.facts;
			// A seat from an earlier join resumes the same person; anything else starts a new one.
			const seat = body.seat ? deps.signer.verifySeat(body.seat) : null;
			const resumed = seat?.ok && seat.facts.g === f.g && seat.facts.r === f.r ? seat.facts : null;
			refuseReplaced(deps, f, resumed?.p ?? null);
			await passGate(deps, f, resumed, body.passphrase);
			const participantId = resumed?.p ?? randomId(12);
			const name = resumed?.n ?? body.name;
			// A share per group and link (and its generation): a leaked member link used from many
			// addresses cannot keep the group's leaders out, nor, once replaced, the new link.
			const ticket = await deps.tickets.issue(
				{ groupId: f.g, plannedMinutes: f.m, participantId, name, role: f.r, conferenceId: f.c, seats: f.s, linkGeneration: f.v, demo: f.d },
				`${f.g}/${f.r}/${f.v ?? 0}`
			);
			if (!ticket) throw new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
			sendJson(res, 200, {
				ticket,
				participantId,
				name,
				role: f.r,
				seat: deps.signer.signSeat({ g: f.g, p: participantId, n: name, r: f.r }),
				group: { id: f.g, name: f.n, plannedMinutes: f.m, ...demoInfo(f.d), series: linkSeries(f) }
			} satisfies TicketAnswer);
		} else if (path === '/api/links/current' && req.method === 'POST') {
			sendJson(res, 200, await currentLink(deps, req));
		} else if (path === '/api/links/replace' && req.method === 'POST') {
			sendJson(res, 200, await replaceLink(deps, req));
		} else if (path.startsWith('/api/conferences') && (await handleConferenceApi(deps, deps.organiserTickets, path, req, res))) {
			// answered
		} else if (path.startsWith('/api/plenary/') && (await handlePlenaryApi(deps, path, req, res))) {
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
