import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { MAX_PLANNED_MINUTES } from '../session/state';
import { linkExpiry, newMediaKey, origin, parse, PROBLEM_STATUS, requireOrganiser, signGroupLinks, type ApiDeps } from './api';
import { clientKey, HttpError, readJson, sendJson } from './http';
import { MAX_CONFERENCE_TOKEN_LENGTH, randomId, type ConferenceFacts } from './links';
import type { OrganiserIdentity, TicketStore } from './tickets';

/**
 * Conferences: many groups at once, one organiser link. Like groups, a conference is only
 * its signed links; nothing is stored. `POST /api/conferences` creates one,
 * `POST /api/conferences/links` gives its links again from the organiser's token, and
 * `POST /api/conferences/ticket` opens the live overview socket.
 */
const text = (max: number, what: string) =>
	v.pipe(v.string(`${what} is required.`), v.trim(), v.minLength(1, `${what} is required.`), v.maxLength(max, `${what} has at most ${max} characters.`), v.regex(/^[^\p{Cc}\p{Cf}]+$/u, `${what} may not contain control characters.`));

function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

const CreateConferenceSchema = v.object({
	name: text(120, 'A conference name'),
	timeZone: v.pipe(v.string(), v.check(isTimeZone, 'timeZone must be an IANA time zone such as Europe/Stockholm.')),
	sessions: v.pipe(
		v.array(
			v.object({
				start: v.pipe(v.string(), v.isoTimestamp('Each session start must be an ISO date-time with offset, e.g. 2026-05-12T09:00:00+02:00.')),
				minutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(15), v.maxValue(MAX_PLANNED_MINUTES)), 90)
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
	membersPerGroup: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)), 8)
});

const TokenSchema = v.object({ token: v.pipe(v.string('The organiser token is required.'), v.maxLength(MAX_CONFERENCE_TOKEN_LENGTH)) });

/** Everything an organiser hands out, derived again from the signed facts. */
function describe(deps: ApiDeps, facts: ConferenceFacts, token: string, base: string) {
	const sessions = facts.s.map(([start, minutes]) => ({ start: new Date(start * 1000).toISOString(), minutes }));
	const plannedMinutes = Math.max(...facts.s.map(([, minutes]) => minutes));
	return {
		conference: { id: facts.c, name: facts.n, timeZone: facts.z, membersPerGroup: facts.p, sessions },
		organiserLink: `${base}/organiser#${new URLSearchParams({ t: token })}`,
		expiresAt: new Date(facts.x * 1000).toISOString(),
		groups: facts.g.map(([id, name, mediaKey, leaders]) => ({
			id,
			name,
			leaders,
			links: signGroupLinks(deps.signer, { id, name, plannedMinutes, mediaKey, conferenceId: facts.c }, facts.x, base)
		}))
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
		if (!deps.limits.groups.take(clientKey(req))) throw new HttpError(429, 'rate-limited', 'Too many conferences created from here. Wait a minute and try again.');
		requireOrganiser(deps, req);
		const input = parse(CreateConferenceSchema, await readJson(req, 64 * 1024));
		const facts: Omit<ConferenceFacts, 'k'> = {
			c: randomId(),
			n: input.name,
			z: input.timeZone,
			s: input.sessions.map((s) => [Math.floor(Date.parse(s.start) / 1000), s.minutes] as [number, number]),
			g: input.groups.map((g) => [randomId(), g.name, newMediaKey(), g.leaders] as [string, string, string, string[]]),
			p: input.membersPerGroup,
			x: linkExpiry(deps.config)
		};
		const token = deps.signer.signConference(facts);
		sendJson(res, 201, describe(deps, { k: 'conference', ...facts }, token, origin(deps.config, req)));
		return true;
	}
	if (path === '/api/conferences/links' || path === '/api/conferences/ticket') {
		if (!deps.limits.tickets.take(clientKey(req))) throw new HttpError(429, 'rate-limited', 'Too many attempts from here. Wait a minute and try again.');
		const { token } = parse(TokenSchema, await readJson(req, MAX_CONFERENCE_TOKEN_LENGTH + 1024));
		const facts = verify(deps, token);
		if (path === '/api/conferences/links') {
			sendJson(res, 200, describe(deps, facts, token, origin(deps.config, req)));
		} else {
			const ticket = organiserTickets.issue({ conferenceId: facts.c, groupIds: facts.g.map(([id]) => id) });
			if (!ticket) throw new HttpError(503, 'busy', 'The server is busy. Try again in a moment.');
			sendJson(res, 200, { ticket, conferenceId: facts.c });
		}
		return true;
	}
	return false;
}
