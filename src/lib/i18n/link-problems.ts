import { m } from '../paraglide/messages.js';

/**
 * What is wrong with a link, for the pages a link opens (the room, the organiser's overview).
 * Kept apart from problems.ts so that the landing page, which opens no link, carries none of
 * these texts. Spelled out key by key, as in labels.ts.
 */
const LINK_PROBLEMS = {
	'link-malformed': m.link_malformed,
	'link-invalid': m.link_invalid,
	'link-expired': m.link_expired,
	'link-replaced': m.link_replaced
} as const satisfies Record<string, () => string>;

/** The text for a link's problem code (api.ts, PROBLEM_STATUS); null for any other code. */
export function linkProblemText(code: string): string | null {
	return Object.hasOwn(LINK_PROBLEMS, code) ? LINK_PROBLEMS[code as keyof typeof LINK_PROBLEMS]() : null;
}
