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
		expect(
			scripts.slice(1).every((s) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(s)),
			`script-src on the ${what}: ${scripts.join(' ')}`
		).toBe(true);
		expect(csp.get('connect-src'), `connect-src on the ${what}`).toEqual(["'self'"]);
		// No inline style either: only SvelteKit's own two fixed style attributes, by hash.
		expect(csp.get('style-src'), `style-src on the ${what}`).toEqual(["'self'"]);
		const attributes = csp.get('style-src-attr') ?? [];
		expect(attributes[0], `style-src-attr on the ${what}`).toBe("'unsafe-hashes'");
		expect(
			attributes.slice(1).map((s) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(s)),
			`style-src-attr on the ${what}: ${attributes.join(' ')}`
		).toEqual([true, true]);
		expect(csp.get('object-src')).toEqual(["'none'"]);
	}
	// Everything that is not a page gets the strictest policy.
	for (const what of ["the app's script", 'the API'] as const) {
		expect(directives(responses[what].headers()['content-security-policy']!).get('default-src'), what).toEqual(["'none'"]);
	}
});

test('pages are never kept nor revalidated (no-store, no ETag), while the hashed scripts stay immutable', async ({ request }) => {
	// Every page may hold a link's secret in its fragment (docs/privacy.md).
	for (const path of ['/', '/room', '/conference', '/organiser', '/plenary', '/no-such-page']) {
		const headers = (await request.get(baseUrl() + path)).headers();
		expect(headers['cache-control'], `cache-control of ${path}`).toBe('no-store');
		expect(headers['etag'], `etag of ${path}`).toBeUndefined();
	}
	// Without an ETag nothing is answered with a 304, whose headers would replace a stored page's.
	const landing = await request.get(baseUrl() + '/');
	const script = (await landing.text()).match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect((await request.get(baseUrl() + script!)).headers()['cache-control']).toContain('immutable');
});

test('the pages keep their own few styles under the strict policy, and nothing is refused', async ({ page }) => {
	// Every refusal the browser makes under the page's policy, from the first byte on.
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { __violations: string[] }).__violations = seen;
		document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective}: ${e.blockedURI || e.sample}`));
	});
	await page.goto(baseUrl() + '/');
	// The app shell's `display: contents` applies (a refused style attribute would leave a block).
	expect(
		await page
			.locator('body > div')
			.first()
			.evaluate((el) => getComputedStyle(el).display)
	).toBe('contents');
	// A navigation inside the app brings SvelteKit's route announcer, visually hidden by its
	// own style attribute: allowed by hash, so it stays a 1px box instead of showing its text.
	await page.getByTestId('conference-link').click();
	await expect(page.getByTestId('conference-name')).toBeVisible();
	const announcer = page.locator('#svelte-announcer');
	await expect(announcer).toHaveCount(1);
	expect(await announcer.evaluate((el) => ({ position: getComputedStyle(el).position, width: getComputedStyle(el).width }))).toEqual({
		position: 'absolute',
		width: '1px'
	});
	expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
});
