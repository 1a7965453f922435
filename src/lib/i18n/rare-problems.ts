import { m } from '../paraglide/messages.js';

/*
 * The texts for problems that seldom happen, fetched only when one does (see `loadRareProblems`
 * in problems.ts): every one of them in every language would otherwise weigh on the first page
 * everyone opens. Spelled out key by key, as in labels.ts. A link's problems (link-problems.ts)
 * and the lost network (problems.ts) are not here: were this module to use their messages, the
 * bundler would move them out of the first page's own chunk into chunks of their own.
 */

/**
 * The JSON API's other `error.code`s (src/lib/server/api.ts, conference-api.ts, http.ts and
 * app.ts's last resort), the client's own `unknown` (an answer without a code), and the
 * room's `malformed`: the server closed the socket because it could not read this page's
 * message (CloseCode.malformed).
 */
export type RareProblemCode =
	| 'invalid-request'
	| 'organiser-key-required'
	| 'rate-limited'
	| 'busy'
	| 'unavailable'
	| 'not-allowed'
	| 'too-large'
	| 'malformed-json'
	| 'unsupported-media-type'
	| 'not-found'
	| 'bad-signature'
	| 'internal'
	| 'unknown'
	| 'malformed'
	| 'lobby-full'
	| 'room-full'
	| 'watchers-full'
	| 'plenary-closed'
	| 'plenary-full'
	| 'not-in-conference'
	| 'passphrase-invalid'
	| 'passphrase-needed'
	| 'wrong-passphrase'
	| 'passphrase-rate-limited'
	| 'not-in-room';

const RARE_PROBLEMS: Record<RareProblemCode, () => string> = {
	'invalid-request': m.problem_invalid_request,
	'organiser-key-required': m.problem_organiser_key,
	'rate-limited': m.problem_rate_limited,
	busy: m.problem_busy,
	unavailable: m.problem_unavailable,
	'not-allowed': m.problem_not_allowed,
	'too-large': m.problem_too_large,
	// The app's own pages always send JSON to endpoints that exist; these mean a page out of
	// step with the server (an old tab after an update), which a reload puts right.
	'malformed-json': m.problem_bad_request,
	'unsupported-media-type': m.problem_bad_request,
	'not-found': m.problem_bad_request,
	'bad-signature': m.problem_bad_request,
	internal: m.problem_server,
	unknown: m.problem_unknown,
	malformed: m.problem_malformed,
	'lobby-full': m.problem_lobby_full,
	'room-full': m.problem_room_full,
	'watchers-full': m.problem_watchers_full,
	// The plenary's (plenary-api.ts): its page words them itself, any other screen through here.
	'plenary-closed': m.problem_plenary_closed,
	'plenary-full': m.problem_plenary_full,
	'not-in-conference': m.problem_not_in_conference,
	// The leaders' passphrase (passphrase-gate.ts). `passphrase-rate-limited` is the page's own
	// name for a `rate-limited` answer to a passphrase: its wait is a quarter of an hour, not a minute.
	'passphrase-invalid': m.problem_passphrase_invalid,
	'passphrase-needed': m.problem_passphrase_needed,
	'wrong-passphrase': m.problem_wrong_passphrase,
	'passphrase-rate-limited': m.problem_passphrase_rate_limited,
	// A leader's link and seat that the running room does not admit (group-links.ts): shown and replaced links.
	'not-in-room': m.problem_not_in_room
};

/** The text for one of these codes; any code this page does not know gets the generic line. */
export function rareProblemText(code: string): string {
	return (Object.hasOwn(RARE_PROBLEMS, code) ? RARE_PROBLEMS[code as RareProblemCode] : m.problem_unknown)();
}
