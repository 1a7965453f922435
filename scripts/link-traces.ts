/**
 * `npm run traces:links` (after `npm run build`): where a real Chromium profile keeps a link after
 * a session, for each way the pages could be served. Per variant: a fresh persistent profile on
 * Debian's Chromium opens a member link of a new group, joins, is let in by a leader in another
 * profile, the leader ends the session, the browser closes; then every file of the profile is
 * searched for the link's token (t), its media key (k) and the group's name (n). The variants are
 * made by a relay on loopback in front of the built app (`tests/support/page-relay.ts`), so the
 * app carries no setting for them. A measurement, not a test; the findings are in docs/privacy.md.
 * `npx tsx scripts/link-traces.ts a e` runs only those variants.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../tests/support/server-process';
import { startPageRelay, type PageRelay, type PageRewrite } from '../tests/support/page-relay';
import { launchOptions, memberSession, traceTable, tracesIn, type MemberSession, type Trace } from '../tests/support/link-session';

interface Variant {
	id: string;
	about: string;
	pages: PageRewrite;
	afterLoad?: MemberSession['afterLoad'];
	beforeClose?: MemberSession['beforeClose'];
	open?: (relay: PageRelay) => MemberSession['open'];
}

const NOW = { cacheControl: 'no-store', icon: 'empty' } as const;
const variants: Variant[] = [
	{ id: 'a', about: 'as before issue 15: no Cache-Control on pages, the icon from /favicon.svg', pages: { cacheControl: 'absent', icon: 'file' } },
	{ id: 'b', about: 'Cache-Control: no-store on pages', pages: { cacheControl: 'no-store', icon: 'file' } },
	{ id: 'c', about: 'no icon request (<link rel="icon" href="data:,">)', pages: { cacheControl: 'absent', icon: 'empty' } },
	{ id: 'd', about: 'b and c together: what the app does now', pages: NOW },
	{
		id: 'e',
		about: 'd, and the fragment taken out of the address once the page has read it (history.replaceState)',
		pages: NOW,
		afterLoad: (page) => page.evaluate(() => history.replaceState(history.state, '', location.pathname + location.search))
	},
	{ id: 'f', about: 'd, but the icon inline as data:image/svg+xml (no request, an icon shown)', pages: { ...NOW, icon: 'inline' } },
	{
		id: 'g',
		about: "d, the link clicked on another site's page (target=_blank, rel=noopener noreferrer) instead of typed or pasted",
		pages: NOW,
		open: (relay) => async (member: BrowserContext, url: string) => {
			relay.serve(
				'/mail',
				`<!doctype html><title>Mail</title><link rel="icon" href="data:,"><a id="link" href="${url}" target="_blank" rel="noopener noreferrer">Your link</a>`
			);
			const mail = member.pages()[0] ?? (await member.newPage());
			// Another origin than the app's (localhost, not 127.0.0.1), as a webmail would be.
			await mail.goto(relay.origin.replace('127.0.0.1', 'localhost') + '/mail');
			const [room] = await Promise.all([member.waitForEvent('page'), mail.click('#link')]);
			return room as Page;
		}
	},
	{
		id: 'h',
		about: "d, and once the session has ended the page replaces itself with the app's front page (location.replace)",
		pages: NOW,
		beforeClose: async (page) => {
			await page.evaluate(() => location.replace(location.origin + '/'));
			await page.getByTestId('create-group').waitFor();
			await page.waitForTimeout(5000);
		}
	}
];

if (!existsSync('build/handler.js')) {
	console.error('build/handler.js is missing: run `npm run build` first');
	process.exit(1);
}
const chosen = process.argv.slice(2);
const runs = chosen.length ? variants.filter((v) => chosen.includes(v.id)) : variants;
const dataDir = mkdtempSync(join(tmpdir(), 'link-traces-data-'));
const server = await startServer({ DATA_DIR: dataDir });
const relay = await startPageRelay(server.url);
const browser = await chromium.launch(launchOptions());
const columns: { name: string; traces: Map<string, Set<Trace>> }[] = [];
const requests: string[] = [];
try {
	for (const variant of runs) {
		relay.rewrite(variant.pages);
		const profile = mkdtempSync(join(tmpdir(), `link-traces-${variant.id}-`));
		const leader = await browser.newContext();
		const from = relay.requests.length;
		try {
			const { member } = await memberSession({
				origin: relay.origin,
				profile,
				leader,
				group: `Quillwort Lantern Circle ${variant.id.toUpperCase()}`,
				afterLoad: variant.afterLoad,
				beforeClose: variant.beforeClose,
				open: variant.open?.(relay)
			});
			columns.push({ name: variant.id, traces: tracesIn(profile, member) });
			const seen = relay.requests.slice(from);
			const icons = seen.filter((r) => /favicon/.test(r.path)).length;
			const room = seen.find((r) => r.path.startsWith('/room'));
			requests.push(`${variant.id}: icon requests ${icons}, /room answered Cache-Control ${room?.cacheControl ?? 'absent'}`);
			console.error(`variant ${variant.id} done`);
		} finally {
			await leader.close();
			rmSync(profile, { recursive: true, force: true });
		}
	}
	console.log('Variants:');
	for (const v of runs) console.log(`  ${v.id}  ${v.about}`);
	console.log('\nWhere the member link was found in the member profile (t token, k media key, n group name; · none):\n');
	console.log(traceTable(columns));
	console.log('\nWhat reached the server:');
	for (const line of requests) console.log('  ' + line);
} finally {
	await browser.close();
	await relay.close();
	await server.stop();
	rmSync(dataDir, { recursive: true, force: true });
}
