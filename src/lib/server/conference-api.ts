import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { DEFAULT_PLANNED_MINUTES, MAX_PLANNED_MINUTES, MIN_PLANNED_MINUTES, seatsForMembers } from '../session/state';
import { groupMediaKey, newMediaKey, plenaryMediaKey } from '../media/media-key';
import { groupLeadersKey } from '../sync/leaders-key';
import { limit, origin, parse, PROBLEM_STATUS, requireOrganiser, type ApiDeps } from './api-deps';
import { linkExpiry, signGroupLinks } from './group-links';
import { HttpError, readJson, sendJson } from './http';
import { linkFragment } from '../sync/link-fragment';
import { MAX_CONFERENCE_TOKEN_LENGTH, mediaKeyField, randomId, type ConferenceFacts } from './links';
import type { OrganiserIdentity, TicketStore } from './tickets';
import { MAX_MEMBERS_PER_GROUP } from '../conference/types';
import type { ConferenceDescription, OrganiserTicketAnswer } from '../sync/api-types';

/**
 * Conferences: many groups at once, one organiser link. Like groups, a conference is only
 * its signed links; nothing is stored. `POST /api/conferences` creates one,
 * `POST /api/conferences/links` gives its links again from the organiser's token, and
 * `POST /api/conferences/ticket` opens the live overview socket.
 */
const text = (max: number, what: string) =>
	v.pipe(
		v.string(`${what} is required.`),
		v.trim(),
		v.minLength(1, `${what} is required.`),
		v.maxLength(max, `${what} has at most ${max} characters.`),
		v.regex(/^[^\p{Cc}\p{Cf}]+$/u, `${what} may not contain control characters.`)
	);

function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

const START_FORMAT = 'Each session start must be an ISO date-time with offset, e.g. 2026-05-12T09:00:00+02:00.';

/** A date-time Date can read, on a day that exists. */
function isRealInstant(text: string): boolean {
	if (!Number.isFinite(Date.parse(text))) return false;
	const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? [];
	const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
	return date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

/** The conference's media secret, from which every group's media key is derived. */
const MediaSecret = mediaKeyField('mediaSecret');

const CreateConferenceSchema = v.object({
	name: text(120, 'A conference name'),
	timeZone: v.pipe(v.string(), v.check(isTimeZone, 'timeZone must be an IANA time zone such as Europe/Stockholm.')),
	sessions: v.pipe(
		v.array(
			v.object({
				start: v.pipe(
					v.string(),
					v.isoTimestamp(START_FORMAT),
					// valibot's format check lets through what Date cannot read (`+02`, a space before
					// the offset) and days that do not exist (30 February): both refused here.
					v.check(isRealInstant, START_FORMAT)
				),
				minutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(MIN_PLANNED_MINUTES), v.maxValue(MAX_PLANNED_MINUTES)), DEFAULT_PLANNED_MINUTES)
			})
		),
		v.minLength(1, 'Give at least one session time.'),
		v.maxLength(20, 'At most 20 sessions.')
	),
	groups: v.pipe(
		v.array(v.object({ name: text(120, 'A group name'), leaders: v.optional(v.pipe(v.array(text(80, 'A leader name')), v.maxLength(2)), []) })),
		v.minLength(1, 'Give at least one group.'),
		v.maxLength(100, 'At most 100 groups.')
	),
	membersPerGroup: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_MEMBERS_PER_GROUP)), 8),
	mediaSecret: v.optional(MediaSecret)
});

const TokenSchema = v.object({
	token: v.pipe(v.string('The organiser token is required.'), v.maxLength(MAX_CONFERENCE_TOKEN_LENGTH)),
	mediaSecret: v.optional(MediaSecret)
});

/**
 * Everything an organiser hands out, derived again from the signed facts. With the media
 * secret (only when the caller sent one or it was made for this answer), the links carry each
 * group's media key; without it they carry none, and the organiser's page adds them.
 */
async function describe(deps: ApiDeps, facts: ConferenceFacts, token: string, base: string, mediaSecret: string | null): Promise<ConferenceDescription> {
	const sessions = facts.s.map(([start, minutes]) => ({ start: new Date(start * 1000).toISOString(), minutes }));
	const plannedMinutes = Math.max(...facts.s.map(([, minutes]) => minutes));
	// One key for the whole conference's plenary, in every group link: derived like the groups' keys.
	const plenaryKey = mediaSecret ? await plenaryMediaKey(mediaSecret, facts.c) : null;
	return {
		conference: { id: facts.c, name: facts.n, timeZone: facts.z, membersPerGroup: facts.p, sessions },
		organiserLink: `${base}/organiser#${linkFragment(token, mediaSecret)}`,
		expiresAt: new Date(facts.x * 1000).toISOString(),
		groups: await Promise.all(
			facts.g.map(async ([id, name, leaders]) => ({
				id,
				name,
				leaders,
				links: signGroupLinks(
					deps,
					{
						id,
						name,
						plannedMinutes,
						mediaKey: mediaSecret ? await groupMediaKey(mediaSecret, id) : null,
						// Derived the same way, under another label: in the leader and co-leader links only.
						leadersKey: mediaSecret ? await groupLeadersKey(mediaSecret, id) : null,
						conferenceId: facts.c,
						seats: seatsForMembers(facts.p),
						plenaryKey
					},
					facts.x,
					base
				)
			}))
		)
	};
}

function verify(deps: ApiDeps, token: string): ConferenceFacts {
	const result = deps.signer.verifyConference(token);
	if (!result.ok) throw PROBLEM_STATUS[result.problem];
	return result.facts;
}

export async function handleConferenceApi(
	deps: ApiDeps,
	organiserTickets: TicketStore<OrganiserIdentity>,
	path: string,
	req: IncomingMessage,
	res: ServerResponse
): Promise<boolean> {
	if (req.method !== 'POST') return false;
	if (path === '/api/conferences') {
		await limit(deps, 'groups', req, 'Too many conferences created from here. Wait a minute and try again.');
		requireOrganiser(deps, req);
		const input = parse(CreateConferenceSchema, await readJson(req, 64 * 1024));
		const sessions = input.sessions.map((s) => [Math.floor(Date.parse(s.start) / 1000), s.minutes] as [number, number]);
		// The links must outlive the conference, however far ahead it is planned.
		const lastEnd = Math.max(...sessions.map(([start, minutes]) => start + minutes * 60));
		const facts: Omit<ConferenceFacts, 'k'> = {
			c: randomId(),
			n: input.name,
			z: input.timeZone,
			s: sessions,
			g: input.groups.map((g) => [randomId(), g.name, g.leaders] as [string, string, string[]]),
			p: input.membersPerGroup,
			x: Math.max(linkExpiry(deps.config), lastEnd + 30 * 86400)
		};
		const token = deps.signer.signConference(facts);
		// The organiser link must open again: a token longer than the server reads back is
		// refused now, with a reason, instead of making a link that never works.
		if (token.length > MAX_CONFERENCE_TOKEN_LENGTH) {
			throw new HttpError(413, 'too-large', 'This conference does not fit in one organiser link: use fewer groups or shorter names.');
		}
		// A secret made for this answer only when the caller brings none; never stored or logged.
		// The app's own page replaces it with one made in the browser (conference/+page.svelte).
		const mediaSecret = input.mediaSecret ?? newMediaKey();
		sendJson(res, 201, await describe(deps, { k: 'conference', ...facts }, token, origin(deps.config, req), mediaSecret));
		return true;
	}
	if (path === '/api/conferences/links' || path === '/api/conferences/ticket') {
		await limit(deps, 'tickets', req, 'Too many attempts from here. Wait a minute and try again.');
		const { token, mediaSecret } = parse(TokenSchema, await readJson(req, MAX_CONFERENCE_TOKEN_LENGTH + 1024));
		const facts = verify(deps, token);
		if (path === '/api/conferences/links') {
			sendJson(res, 200, await describe(deps, facts, token, origin(deps.config, req), mediaSecret ?? null));
		} else {
			const ticket = await organiserTickets.issue({ conferenceId: facts.c, groupIds: facts.g.map(([id]) => id) }, facts.c);
			if (!ticket) throw new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
			sendJson(res, 200, { ticket, conferenceId: facts.c } satisfies OrganiserTicketAnswer);
		}
		return true;
	}
	return false;
}
