#!/usr/bin/env node
// Prints the JavaScript a browser must load before each page is usable (gzipped), from the
// production build's Vite manifest: the Kit entry, the root layout and the page's node, with
// everything they import statically. Dynamic imports (livekit-client, its E2EE worker) are
// counted separately: they load only when a person enters the video room.
// Run after `npm run build`:  node scripts/bundle-size.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 80;
const root = '.svelte-kit/output/client';
const manifest = JSON.parse(readFileSync(join(root, '.vite/manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(join(root, file)), { level: 9 }).length;

function closure(keys) {
	const seen = new Set();
	const visit = (key) => {
		const entry = manifest[key];
		if (!entry || seen.has(entry.file)) return;
		seen.add(entry.file);
		for (const dep of entry.imports ?? []) visit(dep);
	};
	keys.forEach(visit);
	return seen;
}

const find = (suffix) => Object.keys(manifest).find((k) => k.endsWith(suffix));
const base = [find('client/entry.js'), find('client-optimized/app.js'), find('client-optimized/nodes/0.js')];
// Node numbers follow Kit's route order: 2 = / (landing), 3 = /room (join, lobby and room).
const pages = {
	'landing (/)': find('client-optimized/nodes/2.js'),
	'join, lobby and room (/room)': find('client-optimized/nodes/3.js')
};

let worst = 0;
for (const [label, node] of Object.entries(pages)) {
	const files = closure([...base, node]);
	const bytes = [...files].reduce((sum, f) => sum + gz(f), 0);
	worst = Math.max(worst, bytes);
	console.log(`${label}: ${(bytes / 1024).toFixed(1)} kB gzipped initial JS (${files.size} files), budget ${BUDGET_KB} kB`);
}
const lazy = Object.entries(manifest).filter(([k]) => k.includes('livekit-client'));
for (const [key, entry] of lazy) console.log(`lazy, on entering video: ${key.replace(/^node_modules\//, '')}: ${(gz(entry.file) / 1024).toFixed(1)} kB gzipped`);
for (const file of readdirSync(join(root, '_app/immutable/workers'))) {
	console.log(`lazy, on entering video: worker ${file}: ${(gz('_app/immutable/workers/' + file) / 1024).toFixed(1)} kB gzipped`);
}
const ok = worst <= BUDGET_KB * 1024;
console.log(ok ? `within budget: ${(worst / 1024).toFixed(1)} kB <= ${BUDGET_KB} kB` : `OVER BUDGET: ${(worst / 1024).toFixed(1)} kB > ${BUDGET_KB} kB`);
process.exit(ok ? 0 : 1);
