import { m } from '../paraglide/messages.js';

/*
 * What went wrong, in the reader's language. The server answers every refusal with a stable
 * `error.code` and an English `message` for scripts and logs; the screen shows only the code's
 * translation, never the English text (nor a WebSocket close reason). Spelled out key by key,
 * as in labels.ts: a computed key (`m[\`problem_${code}\`]`) would keep every message of every
 * language in the first page. The texts are in three places, so that each first page carries
 * only what it needs: a link's problems in link-problems.ts, the lost network here, and every
 * rarer problem in rare-problems.ts, fetched when one happens.
 */

export type RareProblems = typeof import('./rare-problems');

let loading: Promise<RareProblems | null> | null = null;

/**
 * The texts for the rarer problems (rare-problems.ts). Null when they cannot be fetched, which
 * means the network is gone; a later call tries again.
 */
export function loadRareProblems(): Promise<RareProblems | null> {
	loading ??= import('./rare-problems').catch(() => {
		loading = null;
		return null;
	});
	return loading;
}

/**
 * The text for an API error code (other than a link's, see link-problems.ts) or the room's
 * `malformed`, with the rare texts once loaded. Without them the network is gone, and it says
 * so; a code nobody knows gets a generic line.
 */
export function problemText(code: string, rare: RareProblems | null): string {
	if (code === 'network' || !rare) return m.network_problem();
	return rare.rareProblemText(code);
}
