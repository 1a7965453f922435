/**
 * `npx tsx scripts/tab-storage-traces.ts`: which of the places a tab can keep something across
 * a reload reaches the disk, measured on the Chromium the tests use with a real persistent
 * profile. A marker goes into `history.state`, `window.name` and sessionStorage; the page is
 * reloaded (all three survive that), then the profile is searched while the browser runs, again
 * after the markers are cleared, and once more after it is closed. It also shows what a site
 * the tab goes on to can read. The findings are in docs/privacy.md; a measurement, not a test.
 */
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { containing, filesUnder } from '../tests/support/traces';
import config from '../playwright.config';

const markers = { 'history.state': 'HistoryStateMarkerQzx', 'window.name': 'WindowNameMarkerQzx', sessionStorage: 'SessionStorageMarkerQzx' };
const server = createServer((req, res) => {
	res.setHeader('content-type', 'text/html');
	res.end(`<!doctype html><title>page</title><p>${req.url}</p>`);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
const profile = mkdtempSync(join(tmpdir(), 'tab-storage-'));
const context = await chromium.launchPersistentContext(profile, { ...config.use?.launchOptions, headless: true });
try {
	const page = context.pages()[0] ?? (await context.newPage());
	const seen = new Map<string, number>();
	const started = Date.now();
	const search = (when: string) => {
		const files = filesUnder(profile);
		for (const [place, marker] of Object.entries(markers)) {
			const found = containing(files, [marker]).map((f) => relative(profile, f));
			if (found.length && !seen.has(place)) seen.set(place, Date.now() - started);
			console.log(`${when.padEnd(34)} ${place.padEnd(15)} ${found.length ? found.join(', ') : 'not on disk'}`);
		}
	};
	await page.goto(`http://127.0.0.1:${port}/room`);
	await page.evaluate((m) => {
		history.replaceState({ seat: m['history.state'] }, '');
		window.name = m['window.name'];
		sessionStorage.setItem('seat', m.sessionStorage);
	}, markers);
	await page.reload();
	console.log('after a reload the page still reads', await page.evaluate(() => [history.state, window.name, sessionStorage.getItem('seat')]));
	for (let second = 1; second <= 15 && seen.size < 3; second++) {
		await page.waitForTimeout(1000);
		const files = filesUnder(profile);
		for (const [place, marker] of Object.entries(markers)) if (!seen.has(place) && containing(files, [marker]).length) seen.set(place, second);
	}
	console.log('seconds until first on disk:', Object.fromEntries(seen));
	search('running, 15 s after writing');
	await page.goto(`http://localhost:${port}/elsewhere`);
	console.log('a next site in the tab reads', await page.evaluate(() => ({ 'history.state': history.state, 'window.name': window.name })));
	await page.goBack();
	await page.evaluate(() => {
		history.replaceState(null, '');
		window.name = '';
		sessionStorage.clear();
	});
	await page.waitForTimeout(10_000);
	search('running, 10 s after clearing');
	await context.close();
	search('browser closed');
} finally {
	await context.close();
	rmSync(profile, { recursive: true, force: true });
	server.close();
}
