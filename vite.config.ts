import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-node';
import { defineConfig } from 'vitest/config';
import { balintDevServer } from './server/dev-plugin.ts';

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
					// SvelteKit's own client sets style attributes (its route announcer), which CSP
					// cannot allow by hash; scripts stay hash-only. Tried and measured: without it
					// the browser blocks those styles on every page.
					'style-src': ['self', 'unsafe-inline'],
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
