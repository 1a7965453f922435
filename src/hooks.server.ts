import type { Handle } from '@sveltejs/kit/hooks';

/**
 * Pages are never kept by the browser's cache nor revalidated: every page may hold a link's
 * secret in its fragment (docs/privacy.md: what a browser keeps of a link). Pages are a small
 * shell (they render in the browser), and the scripts they load keep their immutable caching
 * (served before Kit, by hash).
 */
export const handle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (response.headers.get('content-type')?.startsWith('text/html')) {
		response.headers.set('cache-control', 'no-store');
		// Without it Kit answers a conditional request with a 304; nothing is stored to revalidate.
		response.headers.delete('etag');
	}
	return response;
};
