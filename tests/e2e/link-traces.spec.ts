import { chromium, expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseUrl } from './fixtures';
import { startPageRelay } from '../support/page-relay';
import { forms, launchOptions, memberSession, traceTable, tracesIn, type LinkSecrets } from '../support/link-session';

/**
 * A whole session in two persistent Chromium profiles on disk (a member's and a leader's), through
 * a relay that sees every request reaching the server. Where Chromium keeps the links afterwards
 * (its history, session files, ...) is reported, not judged: it is the browser's, measured across
 * page variants by `npm run traces:links` (docs/privacy.md). What the app controls is asserted:
 * no link, token, key or group name in cookies, localStorage, sessionStorage, IndexedDB or any
 * cache; pages answered `no-store`; no icon request.
 */
const GROUP = 'Quillwort Lantern Circle';

/** Where a site keeps things, in a Chromium profile: what the app decides, unlike history. */
const SITE_STORAGE =
	/^Default\/(Cookies|Local Storage\/|Session Storage\/|IndexedDB\/|Service Worker\/|Cache\/|Code Cache\/|File System\/|WebStorage\/|blob_storage\/)/;

/** Everything of the app's storage a page can see, as one text to search. */
const storageOf = (page: Page): Promise<{ cookie: string; local: string[]; session: [string, string][]; databases: number; caches: number }> =>
	page.evaluate(async () => ({
		cookie: document.cookie,
		local: Object.keys(localStorage),
		session: Object.entries(sessionStorage),
		databases: (await indexedDB.databases()).length,
		caches: (await caches.keys()).length
	}));

test('after a session: where the links sit in the profiles (reported); none in the storage, the cache or an icon request', async () => {
	const relay = await startPageRelay(baseUrl());
	const profiles = { member: mkdtempSync(join(tmpdir(), 'link-traces-member-')), leader: mkdtempSync(join(tmpdir(), 'link-traces-leader-')) };
	const leader = await chromium.launchPersistentContext(profiles.leader, launchOptions());
	try {
		const storage: Awaited<ReturnType<typeof storageOf>>[] = [];
		const secrets = await memberSession({
			origin: relay.origin,
			profile: profiles.member,
			leader,
			group: GROUP,
			beforeClose: async (member, leaderPage) => {
				for (const page of [member, leaderPage]) storage.push(await storageOf(page));
				expect(await member.context().cookies(), 'cookies of the member').toEqual([]);
				expect(await leader.cookies(), 'cookies of the leader').toEqual([]);
			}
		});
		await leader.close();

		const found = { member: tracesIn(profiles.member, secrets.member), leader: tracesIn(profiles.leader, secrets.leader) };
		const table = traceTable([
			{ name: 'member', traces: found.member },
			{ name: 'leader', traces: found.leader }
		]);
		const report = `Where each profile keeps its link after the session (t token, k media key, n group name; · none):\n\n${table}\n`;
		console.log(report);
		await test.info().attach('link-traces.txt', { body: report, contentType: 'text/plain' });

		// A measurement, not a verdict on the browser: but the session did write the profiles.
		expect(found.member.size + found.leader.size, 'the link was found somewhere (the search works)').toBeGreaterThan(0);
		for (const [who, traces] of Object.entries(found)) {
			expect(
				[...traces.keys()].filter((file) => SITE_STORAGE.test(file)),
				`${who}'s link in the site's storage or cache`
			).toEqual([]);
		}
		const all = (s: LinkSecrets) => Object.values(forms(s)).flat();
		const needles = [...all(secrets.member), ...all(secrets.leader)];
		for (const seen of storage) {
			expect(seen.cookie).toBe('');
			expect(seen.local, 'localStorage').toEqual([]);
			expect(seen.databases, 'IndexedDB databases').toBe(0);
			expect(seen.caches, 'Cache Storage').toBe(0);
			// SvelteKit's own sveltekit:* entries (scroll positions) only, with nothing of the link.
			expect(seen.session.filter(([key, value]) => !key.startsWith('sveltekit:') || needles.some((n) => value.includes(n)))).toEqual([]);
		}

		const rooms = relay.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/room'));
		expect(rooms.length, 'both opened the room page').toBeGreaterThanOrEqual(2);
		for (const room of rooms) expect(room.cacheControl, 'the room page').toBe('no-store');
		expect(
			relay.requests.filter((r) => /favicon|\.ico(\?|$)/.test(r.path)).map((r) => r.path),
			'icon requests'
		).toEqual([]);
	} finally {
		await leader.close();
		await relay.close();
		for (const dir of Object.values(profiles)) rmSync(dir, { recursive: true, force: true });
	}
});
