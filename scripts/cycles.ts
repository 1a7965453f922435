/**
 * `npm run cycles`: exits 1 on any circular import in src/ and server/, type-only imports
 * included (an `import type` cycle still couples two modules).
 *
 * dpdm reads the TypeScript files (without --transform, so `import type` counts) and resolves
 * through tsconfig, which covers `#lib/*` (package.json "imports") and `.ts` extensions. It
 * cannot read a `.svelte` file and skips `import('…')` in a type position, so TypeScript's own
 * pre-processor is asked for every file's imports too, a component's <script> blocks for
 * its, and what dpdm missed is added to its tree before the cycles are looked for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseCircular, parseDependencyTree, prettyCircular, type Dependency, type DependencyTree } from 'dpdm';
import ts from 'typescript';

const ROOTS = ['src/**/*.ts', 'src/**/*.svelte', 'server/**/*.ts'];
/** Generated messages (paraglide) and packages are not ours to untangle. */
const EXCLUDE = /node_modules|src\/lib\/paraglide\//;

const cwd = process.cwd();
const tsconfig = ts.getParsedCommandLineOfConfigFile(resolve(cwd, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
if (!tsconfig) throw new Error('tsconfig.json cannot be read');
const packageImports = (JSON.parse(readFileSync(resolve(cwd, 'package.json'), 'utf8')) as { imports?: Record<string, string> }).imports ?? {};

/** A file's path as dpdm names it: relative to the project. */
const id = (file: string) => relative(cwd, file);

/** What TypeScript resolves; a `.svelte` file (TypeScript resolves none) by its path or a package import alias. */
function resolveImport(request: string, from: string): string | null {
	const found = ts.resolveModuleName(request, from, tsconfig!.options, ts.sys).resolvedModule;
	if (found) return found.isExternalLibraryImport || found.extension === ts.Extension.Dts ? null : found.resolvedFileName;
	let path: string | null = request.startsWith('.') ? resolve(dirname(from), request) : null;
	for (const [pattern, target] of Object.entries(packageImports)) {
		const prefix = pattern.replace(/\*$/, '');
		if (pattern.endsWith('*') && request.startsWith(prefix)) path = resolve(cwd, target.replace(/\*$/, '') + request.slice(prefix.length));
	}
	return path && existsSync(path) ? path : null;
}

/** The code TypeScript can read: a component's <script> blocks, or the whole file. */
function scriptOf(file: string): string {
	const text = readFileSync(file, 'utf8');
	if (!file.endsWith('.svelte')) return text;
	return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

const tree: DependencyTree = await parseDependencyTree(ROOTS, { context: cwd, exclude: EXCLUDE, transform: false });
for (const [issuer, dependencies] of Object.entries(tree)) {
	const file = resolve(cwd, issuer);
	if (!dependencies || !/^(src|server)\//.test(issuer) || !existsSync(file)) continue;
	const known = new Set(dependencies.map((d) => d.id));
	const added: Dependency[] = [];
	for (const { fileName: request } of ts.preProcessFile(scriptOf(file), true, true).importedFiles) {
		const target = resolveImport(request, file);
		if (!target || EXCLUDE.test(target) || known.has(id(target))) continue;
		known.add(id(target));
		added.push({ issuer, request, kind: 'StaticImport' as Dependency['kind'], id: id(target) });
	}
	tree[issuer] = [...dependencies, ...added];
}

const circulars = parseCircular(tree);
const files = Object.keys(tree).filter((file) => /^(src|server)\//.test(file) && tree[file]).length;
if (circulars.length) {
	console.error(`Circular imports in src/ and server/ (${files} files):\n${prettyCircular(circulars)}`);
	process.exit(1);
}
console.log(`No circular imports in src/ and server/ (${files} files, .svelte and type-only imports included).`);
