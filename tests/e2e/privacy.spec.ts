import type { Browser, BrowserContext, Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../support/server-process';
import { expect, test, admit, closeAll, createGroup, expectAllAgree, joinOnPage, participant, watchErrors, type Person } from './fixtures';

/**
 * Nothing about a session stays behind in a browser, and nothing leaves for a third party.
 * A short session with names that cannot appear by chance, on a server of its own so that its
 * log and data directory can be searched for them too.
 */
const GROUP = 'Heliotrope Circle';
const LEADER = 'Ottoline Marchbanks';
const MEMBER = 'Zebulon Quixfeather';
const OTHER = 'Philippa Wrenfield';
const SECRETS = ['Heliotrope', 'Ottoline', 'Marchbanks', 'Zebulon', 'Quixfeather', 'Philippa', 'Wrenfield'];

interface Recorded {
	requests: { url: string; referer: string | undefined; cookie: string | undefined; body: string }[];
	sockets: string[];
	/** Header reads still under way (`allHeaders()` is the only view that includes Cookie). */
	pending: Promise<void>[];
}

/** A context whose every request and WebSocket, from every page, is recorded. */
async function recordedContext(browser: Browser, log: Recorded): Promise<BrowserContext> {
	const context = await browser.newContext();
	context.on('request', (request) => {
		log.pending.push(
			request
				.allHeaders()
				.catch(() => request.headers())
				.then(
					(headers) => void log.requests.push({ url: request.url(), referer: headers['referer'], cookie: headers['cookie'], body: request.postData() ?? '' })
				)
		);
	});
	context.on('page', (page) => page.on('websocket', (ws) => log.sockets.push(ws.url())));
	return context;
}

/**
 * Everything a browser could keep for this origin, as seen from the context and from the page.
 * `sessionStorage` must be empty, except for SvelteKit's own router bookkeeping (scroll
 * positions and empty snapshots, written when a tab navigates from one page of the app to
 * another, e.g. from the landing page to the room), which may hold no session content.
 */
async function expectNothingStored(context: BrowserContext, page: Page, who: string, secrets: string[]): Promise<void> {
	const state = await context.storageState({ indexedDB: true });
	expect(state.cookies, `${who}: cookies`).toEqual([]);
	expect(state.origins, `${who}: localStorage / IndexedDB origins`).toEqual([]);
	const inPage = await page.evaluate(async () => ({
		indexedDB: (await indexedDB.databases()).map((d) => d.name),
		localStorage: localStorage.length,
		cookie: document.cookie,
		caches: 'caches' in self ? await caches.keys() : [],
		serviceWorkers: 'serviceWorker' in navigator ? (await navigator.serviceWorker.getRegistrations()).length : 0,
		sessionStorage: Object.entries(sessionStorage)
	}));
	expect({ ...inPage, sessionStorage: undefined }, `${who}: storage seen from the page`).toEqual({
		indexedDB: [],
		localStorage: 0,
		cookie: '',
		caches: [],
		serviceWorkers: 0,
		sessionStorage: undefined
	});
	const appKeys = inPage.sessionStorage.filter(([key]) => !key.startsWith('sveltekit:'));
	expect(appKeys, `${who}: sessionStorage entries of the app`).toEqual([]);
	for (const [key, value] of inPage.sessionStorage) {
		for (const secret of secrets) expect(value.includes(secret), `${who}: "${secret}" in sessionStorage ${key}`).toBe(false);
	}
}

/** The page opened the room directly (no navigation in its tab): sessionStorage is empty. */
async function expectEmptySessionStorage(page: Page, who: string): Promise<void> {
	expect(await page.evaluate(() => sessionStorage.length), `${who}: sessionStorage.length`).toBe(0);
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

let server: ServerProcess | null = null;
let dataDir = '';
test.afterEach(async () => {
	await server?.stop();
	server = null;
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('no trace in browser storage, no third-party request, no names in the server log', async ({ browser }) => {
	dataDir = mkdtempSync(join(tmpdir(), 'balint-privacy-'));
	server = await startServer({ DATA_DIR: dataDir });
	const origin = new URL(server.url).origin;
	const log: Recorded = { requests: [], sockets: [], pending: [] };

	// The leader creates the group in the page and joins; two members join and are admitted.
	const leaderContext = await recordedContext(browser, log);
	const created = await createGroup(browser, GROUP, { base: server.url, context: leaderContext });
	const { links } = created;
	const leader: Person = { name: LEADER, page: created.page, context: leaderContext, errors: created.errors };
	await joinOnPage(leader.page, links.leader, LEADER);
	const people: Person[] = [leader];
	for (const name of [MEMBER, OTHER]) {
		const context = await recordedContext(browser, log);
		const page = await context.newPage();
		const person: Person = { name, page, context, errors: watchErrors(page) };
		await joinOnPage(page, links.member, name);
		await expect(page.getByTestId('lobby-waiting')).toBeVisible();
		await admit(leader.page, name);
		people.push(person);
	}
	const [, zebulon, philippa] = people as [Person, Person, Person];

	// A short session: a hand, a presenter, reflection.
	await leader.page.getByTestId('next-phase').click();
	await philippa.page.getByTestId('raise-hand').click();
	await participant(leader.page, MEMBER).getByTestId('make-presenter').click();
	await leader.page.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
	await expectAllAgree(people, {
		phase: 'reflection',
		presenter: MEMBER,
		listening: true,
		roster: { [LEADER]: 'leader', [MEMBER]: 'member', [OTHER]: 'member' },
		hands: [OTHER]
	});
	await expect(zebulon.page.getByTestId('presenter-note')).toBeVisible();
	// Link secrets and names: none of them may be stored anywhere.
	const secrets = [...SECRETS, ...Object.values(links).flatMap((l) => [...new URLSearchParams(new URL(l).hash.slice(1)).values()])];
	for (const p of people) await expectNothingStored(p.context, p.page, `${p.name}, during the session`, secrets);
	for (const p of [zebulon, philippa]) await expectEmptySessionStorage(p.page, p.name);

	// The end: still nothing stored anywhere.
	await leader.page.getByTestId('end-session').click();
	await leader.page.getByTestId('confirm-end-session').click();
	for (const p of people) await expect(p.page.getByTestId('session-ended')).toBeVisible();
	for (const p of people) await expectNothingStored(p.context, p.page, `${p.name}, after the end`, secrets);
	for (const p of [zebulon, philippa]) await expectEmptySessionStorage(p.page, p.name);

	await Promise.all(log.pending);
	// Every request went to the app's own origin: fonts, icons, scripts, API, WebSockets.
	expect(log.requests.length, 'requests were recorded').toBeGreaterThan(10);
	const foreign = log.requests.map((r) => r.url).filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin);
	expect(foreign, 'requests to another origin').toEqual([]);
	expect(log.sockets.length, 'WebSockets were recorded').toBeGreaterThanOrEqual(3);
	for (const url of log.sockets) expect(new URL(url).host, `WebSocket ${url}`).toBe(new URL(origin).host);
	// No cookie and no Referer on any request; the links' secret never travels in a URL.
	expect(
		log.requests.filter((r) => !!r.cookie),
		'requests with a Cookie header'
	).toEqual([]);
	expect(
		log.requests.filter((r) => !!r.referer),
		'requests with a Referer header'
	).toEqual([]);
	const secretsInLinks = Object.values(links).map((l) => new URLSearchParams(new URL(l).hash.slice(1)));
	for (const params of secretsInLinks) {
		// The media key is made in the creator's browser and never sent, not even to create the group.
		expect(
			log.requests.filter((r) => r.body.includes(params.get('k')!)).map((r) => r.url),
			'requests carrying the media key'
		).toEqual([]);
		for (const secret of [params.get('t')!, params.get('k')!]) {
			expect(
				log.requests.filter((r) => r.url.includes(secret)).map((r) => r.url),
				'URLs carrying a link secret'
			).toEqual([]);
			expect(
				log.sockets.filter((url) => url.includes(secret)),
				'WebSocket URLs carrying a link secret'
			).toEqual([]);
		}
	}

	for (const p of people) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll(people);

	// The server kept no names and no group name: not in its output (all of it: stopped first),
	// not in its data directory.
	await server.stop();
	const output = server.output();
	for (const secret of SECRETS) expect(output.includes(secret), `"${secret}" in the server output`).toBe(false);
	for (const file of filesUnder(dataDir)) {
		const text = readFileSync(file, 'latin1');
		for (const secret of SECRETS) expect(text.includes(secret), `"${secret}" in ${file}`).toBe(false);
	}
});
