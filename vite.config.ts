import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-node';
import { defineConfig } from 'vitest/config';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { balintDevServer } from './server/dev-plugin.ts';

/**
 * The only inline styles the pages have are two fixed style attributes of SvelteKit's own
 * markup: the app shell's `display: contents` (src/app.html) and the route announcer's
 * visually-hidden box (Kit's root component). CSP allows exactly those by hash
 * ('unsafe-hashes' applies to attributes only), read from the files themselves so that a Kit
 * upgrade that changes them changes the hashes too. Nothing else inline is allowed.
 */
function styleAttributeHashes(): `sha256-${string}`[] {
	const files = ['src/app.html', 'node_modules/@sveltejs/kit/src/runtime/components/root.svelte'];
	const values = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\sstyle="([^"{}]+)"/g)].map((m) => m[1]!));
	if (values.length < 2) throw new Error(`expected SvelteKit's two style attributes, found ${values.length}`);
	return [...new Set(values)].map((value) => `sha256-${createHash('sha256').update(value).digest('base64')}` as const);
}

export default defineConfig({
	plugins: [
		balintDevServer(),
		sveltekit({
			adapter: adapter({ out: 'build' }),
			compilerOptions: { runes: true },
			csp: {
				mode: 'hash',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					'style-src': ['self'],
					'style-src-attr': ['unsafe-hashes', ...styleAttributeHashes()],
					'img-src': ['self', 'data:', 'blob:'],
					'font-src': ['self'],
					'connect-src': ['self'],
					'media-src': ['self', 'blob:'],
					'worker-src': ['self', 'blob:'],
					'object-src': ['none'],
					'base-uri': ['none'],
					'form-action': ['self'],
					'frame-ancestors': ['none']
				}
			}
		})
	],
	test: {
		include: ['src/**/*.test.ts', 'tests/server/**/*.test.ts'],
		environment: 'node',
		testTimeout: 15000
	}
});
