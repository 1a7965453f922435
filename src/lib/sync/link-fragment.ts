/**
 * A link's fragment, `#t=<token>&k=<mediaKey>&l=<leadersKey>`: the only part of a link the
 * server never sees. Written by the server (the links it signs) and by a leader's browser (a
 * link it has just replaced, with the media key only that browser knows); read by the pages a
 * link opens. The leaders' key (`l`, sync/leaders-key.ts) is in the leader and co-leader links only;
 * the plenary key (`p`, media-key.ts `plenaryMediaKey`) is in every link of a conference's groups.
 */

/** The fragment of a link: the signed token and, when known here, the media key, the leaders' key and the plenary key. */
export function linkFragment(token: string, mediaKey: string | null, leadersKey: string | null = null, plenaryKey: string | null = null): string {
	const params = new URLSearchParams({ t: token });
	if (mediaKey) params.set('k', mediaKey);
	if (leadersKey) params.set('l', leadersKey);
	if (plenaryKey) params.set('p', plenaryKey);
	return params.toString();
}

export interface Fragment {
	token: string | null;
	mediaKey: string | null;
	leadersKey: string | null;
	plenaryKey: string | null;
}

/**
 * Reads `#t=<token>&k=<mediaKey>&l=<leadersKey>` from a link's fragment. What a mail client or a chat glued to
 * the end of a pasted link (a full stop, a bracket, a quote, a space, also percent-encoded) is no part of it: both
 * values are base64url, which has none of these, and the server takes only the exact token.
 */
export function readFragment(hash: string): Fragment {
	const params = new URLSearchParams(hash.replace(/^#/, '').replace(/(?:%[0-9A-Fa-f]{2}|[^A-Za-z0-9_-])+$/, ''));
	return { token: params.get('t'), mediaKey: params.get('k'), leadersKey: params.get('l'), plenaryKey: params.get('p') };
}
