import { expect, test } from '@playwright/test';
import { baseUrl } from './fixtures';

/**
 * Security headers on every kind of response from the built server: pages, the app's own
 * scripts, static files, the API and a page that does not exist.
 */
const EVERYWHERE = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'no-referrer',
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin'
};

function directives(policy: string): Map<string, string[]> {
	return new Map(
		policy
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((d) => d[0])
			.map(([name, ...values]) => [name!, values])
	);
}

test('every response carries the security headers; pages run only their own hashed scripts', async ({ request }) => {
	const base = baseUrl();
	const landing = await request.get(base + '/');
	const script = (await landing.text()).match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect(script, 'a script of the app in the landing page').toBeTruthy();
	const responses = {
		'landing page': landing,
		'room page': await request.get(base + '/room'),
		'a page that does not exist': await request.get(base + '/no-such-page'),
		"the app's script": await request.get(base + script!),
		'a static file': await request.get(base + '/favicon.svg'),
		'the API': await request.get(base + '/api/health')
	};
	for (const [what, response] of Object.entries(responses)) {
		const headers = response.headers();
		for (const [name, value] of Object.entries(EVERYWHERE)) expect(headers[name], `${name} on ${what}`).toBe(value);
		expect(headers['permissions-policy'], `permissions-policy on ${what}`).toContain('camera=(self), microphone=(self)');
		expect(headers['permissions-policy'], `permissions-policy on ${what}`).toContain('geolocation=()');
		const csp = directives(headers['content-security-policy'] ?? '');
		expect(csp.get('frame-ancestors'), `frame-ancestors on ${what}`).toEqual(["'none'"]);
		expect(csp.get('base-uri'), `base-uri on ${what}`).toEqual(["'none'"]);
	}
	for (const what of ['landing page', 'room page'] as const) {
		const csp = directives(responses[what].headers()['content-security-policy']!);
		const scripts = csp.get('script-src') ?? [];
		expect(scripts[0], `script-src on the ${what}`).toBe("'self'");
		// Only hashes besides 'self': no 'unsafe-inline', no 'unsafe-eval', no other origin.
		expect(scripts.slice(1).every((s) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(s)), `script-src on the ${what}: ${scripts.join(' ')}`).toBe(true);
		expect(csp.get('connect-src'), `connect-src on the ${what}`).toEqual(["'self'"]);
		expect(csp.get('object-src')).toEqual(["'none'"]);
	}
	// Everything that is not a page gets the strictest policy.
	for (const what of ["the app's script", 'the API'] as const) {
		expect(directives(responses[what].headers()['content-security-policy']!).get('default-src'), what).toEqual(["'none'"]);
	}
});

test('a revalidated page (304) keeps its own policy instead of getting the strict one', async ({ request }) => {
	const first = await request.get(baseUrl() + '/');
	const etag = first.headers()['etag'];
	expect(etag, 'pages carry an ETag').toBeTruthy();
	const again = await request.get(baseUrl() + '/', { headers: { 'if-none-match': etag! } });
	expect(again.status()).toBe(304);
	// A 304's headers replace the cached ones: the strict fallback here would blank the page.
	expect(again.headers()['content-security-policy']).toBeUndefined();
	expect(again.headers()['x-frame-options']).toBe('DENY');
});
