// One lint for the whole tree (npm run check): JavaScript's and TypeScript's recommended rules,
// Svelte's, and nothing that Prettier decides (layout is Prettier's alone).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'src/lib/paraglide/', 'node_modules/', '.tools/', 'test-results/', 'playwright-report/', 'data/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// An argument or binding named `_…` is unused on purpose (a callback's shape).
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			// TypeScript checks names itself, DOM types included (typescript-eslint's advice).
			'no-undef': 'off',
			// State classes keep plain Maps and Sets for bookkeeping no screen reads; what screens
			// read is `$state`, and svelte-check would not catch a wrong choice either way.
			'svelte/prefer-svelte-reactivity': 'off'
		}
	},
	{
		// Tests and benchmarks read answers of any shape on purpose (bad input, raw frames).
		files: ['tests/**', 'scripts/**'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } }
	}
);
