/**
 * `npm run size` (after `npm run build`): the JavaScript a browser really downloads before each
 * screen is usable, measured by loading the built app in Chromium and summing every script it
 * fetched, gzipped. Screens: the landing page, the join form, the lobby, and a member's room
 * without video. Prints each figure against the 80 kB budget (issue 4) and whether
 * livekit-client was fetched (it must load only when someone enters the video room). A
 * measurement, not a test: it always exits 0 unless it cannot measure.
 */
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../tests/support/server-process';
import config from '../playwright.config';

const BUDGET_KB = 80;
const manifest = JSON.parse(readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8')) as Record<string, { file: string }>;
const livekitFiles = new Set(
	Object.entries(manifest)
		.filter(([key]) => key.includes('livekit-client'))
		.map(([, entry]) => entry.file)
);

/** Every script fetched by a page, by path, with its gzipped size. */
function recordScripts(page: Page): Map<string, number> {
	const scripts = new Map<string, number>();
	page.on('response', async (response) => {
		const path = new URL(response.url()).pathname;
		if (!path.endsWith('.js')) return;
		const body = await response.body().catch(() => null);
		if (body) scripts.set(path, gzipSync(body, { level: 9 }).length);
	});
	return scripts;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

const dataDir = mkdtempSync(join(tmpdir(), 'balint-size-'));
const server = await startServer({ DATA_DIR: dataDir });
const browser = await chromium.launch({ ...config.use?.launchOptions, headless: true });
let worst = 0;
try {
	const report = async (label: string, page: Page, scripts: Map<string, number>, budgeted = true) => {
		await page.waitForLoadState('networkidle');
		const total = [...scripts.values()].reduce((a, b) => a + b, 0);
		const livekit = [...scripts.keys()].some((path) => [...livekitFiles].some((file) => path.endsWith(file)));
		if (budgeted) worst = Math.max(worst, total);
		if (process.env.SIZE_VERBOSE) for (const [path, size] of scripts) console.log(`    ${kb(size).padStart(9)}  ${path}`);
		console.log(
			`${label.padEnd(34)} ${kb(total).padStart(9)} gzipped JS in ${String(scripts.size).padStart(2)} files  ${budgeted ? `budget ${BUDGET_KB} kB ${total <= BUDGET_KB * 1024 ? '✓' : '✗ OVER'}` : 'no budget  '}  livekit-client loaded: ${livekit ? 'yes ✗' : 'no ✓'}`
		);
	};
	const open = async () => {
		const page = await (await browser.newContext()).newPage();
		return { page, scripts: recordScripts(page) };
	};

	const landing = await open();
	await landing.page.goto(server.url + '/');
	await landing.page.getByTestId('create-group').waitFor();
	await report('landing page (/)', landing.page, landing.scripts);
	await landing.page.getByTestId('group-name').fill('Weighing group');
	await landing.page.getByTestId('create-group').click();
	const leaderUrl = (await landing.page.getByTestId('link-leader').getAttribute('data-url'))!;
	const memberUrl = (await landing.page.getByTestId('link-member').getAttribute('data-url'))!;

	const leader = (await open()).page;
	await leader.goto(leaderUrl);
	await leader.getByTestId('display-name').fill('Lena');
	await leader.getByTestId('accept-ground-rules').check();
	await leader.getByTestId('join').click();
	await leader.getByTestId('phase').waitFor();

	const member = await open();
	await member.page.goto(memberUrl);
	await member.page.getByTestId('display-name').waitFor();
	await report('join form (/room)', member.page, member.scripts);
	await member.page.getByTestId('display-name').fill('Max');
	await member.page.getByTestId('accept-ground-rules').check();
	await member.page.getByTestId('join').click();
	await member.page.getByTestId('lobby-waiting').waitFor();
	await report('lobby (/room, waiting)', member.page, member.scripts);
	await leader.locator('[data-testid="waiting"][data-name="Max"] [data-testid="admit"]').click();
	await member.page.getByTestId('phase').waitFor();
	await report("member's room, no video (/room)", member.page, member.scripts, false);
} finally {
	await browser.close();
	await server.stop();
	rmSync(dataDir, { recursive: true, force: true });
}
for (const [key, entry] of Object.entries(manifest)) {
	if (key.includes('livekit-client'))
		console.log(
			`lazy, on entering video: ${key.replace(/^node_modules\//, '')}: ${kb(gzipSync(readFileSync(join('.svelte-kit/output/client', entry.file)), { level: 9 }).length)} gzipped`
		);
}
console.log(
	worst <= BUDGET_KB * 1024
		? `within budget: the heaviest of landing, join and lobby loads ${kb(worst)} <= ${BUDGET_KB} kB`
		: `OVER BUDGET: the heaviest of landing, join and lobby loads ${kb(worst)} > ${BUDGET_KB} kB`
);
