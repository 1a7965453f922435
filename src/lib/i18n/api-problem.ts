import { ApiError } from '../sync/api-client';
import { linkProblemText } from './link-problems';
import { loadRareProblems, problemText } from './problems';

/** What a leader's failed call from the room (show, replace or invite with a link) says, in the reader's language. */
export async function apiProblemText(error: unknown): Promise<string> {
	const code = error instanceof ApiError ? error.code : 'unknown';
	return linkProblemText(code) ?? problemText(code, code === 'network' ? null : await loadRareProblems());
}
