import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConferenceDescription } from '../../src/lib/sync/api-types';
import { startFakeLiveKit, type FakeLiveKit } from '../support/fake-livekit';
import { startServer, type ServerProcess } from '../support/server-process';
import { attr, expect, joinAs, test, watchErrors } from './fixtures';

/**
 * The conference plenary in the browser: the organiser opens it from the overview; members of
 * three groups see "Join the plenary" on their own group's screens (the join form, the lobby)
 * and come in from their own links without admission; a group leader moderates; the overview
 * counts them; the organiser ends it and every page says so; nothing is kept in the browser.
 */

async function createConference(base: string, request: import('@playwright/test').APIRequestContext): Promise<ConferenceDescription> {
	const created = await request.post(`${base}/api/conferences`, {
		data: {
			name: 'Balint Days 2027',
			timeZone: 'Europe/Stockholm',
			sessions: [{ start: '2031-03-10T09:00:00Z', minutes: 90 }],
			groups: [{ name: 'Group North' }, { name: 'Group South' }, { name: 'Group West' }]
		}
	});
	expect(created.status()).toBe(201);
	return (await created.json()) as ConferenceDescription;
}

const tile = (page: Page, name: string) => page.locator(`[data-testid="plenary-tile"]${attr('data-name', name)}`);
const person = (page: Page, name: string) => page.locator(`[data-testid="plenary-person"]${attr('data-name', name)}`);

/** Nothing of the plenary (or its people) in cookies, storage or IndexedDB; SvelteKit's own scroll bookkeeping aside. */
async function expectNothingStored(context: BrowserContext, page: Page, who: string): Promise<void> {
	const state = await context.storageState({ indexedDB: true });
	expect(state.cookies, `${who}: cookies`).toEqual([]);
	expect(state.origins, `${who}: localStorage / IndexedDB`).toEqual([]);
	const inPage = await page.evaluate(async () => ({
		indexedDB: (await indexedDB.databases()).map((d) => d.name),
		localStorage: localStorage.length,
		cookie: document.cookie,
		appSession: Object.keys(sessionStorage).filter((key) => !key.startsWith('sveltekit:'))
	}));
	expect(inPage, `${who}: storage seen from the page`).toEqual({ indexedDB: [], localStorage: 0, cookie: '', appSession: [] });
}

/** No serious or critical axe violation on this screen (as a11y.spec.ts holds every other screen to). */
async function expectAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations on ${screen}`
	).toEqual([]);
}

/** The organiser's overview, open in its own context, with the plenary opened under this title. */
async function organiserOpens(context: BrowserContext, organiserLink: string, title: string): Promise<Page> {
	const organiser = await context.newPage();
	await organiser.goto(organiserLink);
	await expect(organiser.getByTestId('overview-status')).toHaveAttribute('data-connected', 'true');
	await expect(organiser.getByTestId('plenary-control')).toHaveAttribute('data-open', 'false');
	await organiser.getByTestId('plenary-title-input').fill(title);
	await organiser.getByTestId('open-plenary').click();
	await expect(organiser.getByTestId('plenary-control')).toHaveAttribute('data-open', 'true');
	await expect(organiser.getByTestId('plenary-open-title')).toContainText(title);
	return organiser;
}

/** From a group screen: "Join the plenary", the name the person gave filled in, and in. */
async function intoPlenary(page: Page, name: string): Promise<void> {
	await page.getByTestId('join-plenary').click();
	await expect(page).toHaveURL(/\/plenary#t=/);
	await expect(page.getByTestId('display-name')).toHaveValue(name);
	await page.getByTestId('join').click();
	await expect(page.getByTestId('plenary-room')).toBeVisible();
}

test('members of three groups join the plenary from their own links, a leader moderates, the organiser ends it', async ({ browser, request }) => {
	const base = process.env.E2E_BASE_URL!;
	const conference = await createConference(base, request);
	const [north, south, west] = conference.groups as [
		ConferenceDescription['groups'][number],
		ConferenceDescription['groups'][number],
		ConferenceDescription['groups'][number]
	];
	for (const group of conference.groups)
		expect(new URL(group.links.member).hash, 'every group link carries the plenary key').toMatch(/[#&]p=[A-Za-z0-9_-]{22}/);

	// Before the plenary: a leader in the room, a member in the lobby, no door anywhere.
	const astrid = await joinAs(browser, north.links.leader, 'Astrid');
	await expect(astrid.page.getByTestId('phase')).toBeVisible();
	const nils = await joinAs(browser, north.links.member, 'Nils');
	await expect(nils.page.getByTestId('lobby-waiting')).toBeVisible();
	const wim = await joinAs(browser, west.links.member, 'Wim');
	await expect(wim.page.getByTestId('lobby-waiting')).toBeVisible();
	await expect(astrid.page.getByTestId('join-plenary')).toHaveCount(0);

	const organiserContext = await browser.newContext();
	const organiser = await organiserOpens(organiserContext, conference.organiserLink, 'Journal club');
	const organiserErrors = watchErrors(organiser);

	// The group sockets hear of it at once: the room and the lobby show the door, with its title.
	for (const page of [astrid.page, nils.page, wim.page]) {
		await expect(page.getByTestId('plenary-door')).toContainText('Journal club');
		await expect(page.getByTestId('join-plenary')).toHaveText('Join the plenary');
	}
	// A member of the third group, on their join form (no socket yet): the page asks the server.
	const saraContext = await browser.newContext();
	const sara = await saraContext.newPage();
	const saraErrors = watchErrors(sara);
	await sara.goto(south.links.member);
	await expect(sara.getByTestId('display-name')).toBeVisible();
	await expect(sara.getByTestId('join-plenary')).toBeVisible();
	await expectAccessible(nils.page, 'the lobby with the door to the plenary');
	await expectAccessible(organiser, 'the overview with the plenary open');

	// In from their own links: no admission, no lobby.
	await intoPlenary(nils.page, 'Nils');
	await intoPlenary(wim.page, 'Wim');
	await intoPlenary(astrid.page, 'Astrid');
	await sara.getByTestId('join-plenary').click();
	await expect(sara.getByTestId('display-name')).toHaveValue('');
	await sara.getByTestId('display-name').fill('Sara');
	await sara.getByTestId('join').click();
	const everyone = [nils.page, wim.page, astrid.page, sara];
	for (const page of everyone) {
		await expect(page.getByTestId('plenary-title')).toHaveText('Journal club');
		await expect(page.getByTestId('plenary-tile')).toHaveCount(4);
		// No Balint phases in a plenary.
		await expect(page.getByTestId('phase')).toHaveCount(0);
	}
	await expect(tile(sara, 'Astrid')).toHaveAttribute('data-role', 'moderator');
	await expect(tile(sara, 'Nils')).toHaveAttribute('data-role', 'participant');
	await expect(tile(sara, 'Nils').locator('figcaption')).toContainText('Group North');
	await expect(organiser.getByTestId('plenary-headcount')).toHaveAttribute('data-count', '4');

	// Only moderators have the panel and the per-person actions.
	await expect(astrid.page.getByTestId('plenary-panel')).toBeVisible();
	for (const page of [nils.page, wim.page, sara]) {
		await expect(page.getByTestId('plenary-panel')).toHaveCount(0);
		await expect(page.getByTestId('plenary-actions')).toHaveCount(0);
	}

	// Hands in order, the same queue on every screen.
	await wim.page.getByTestId('raise-hand').click();
	await nils.page.getByTestId('raise-hand').click();
	for (const page of everyone) await expect(page.getByTestId('plenary-hand')).toHaveText([/Wim/, /Nils/]);
	await expectAccessible(astrid.page, "a moderator's plenary, two hands up");
	await expectAccessible(sara, "a participant's plenary");
	// The moderator gives Wim the floor: the speaker view on every screen, then lowers his hand.
	await astrid.page.getByTestId('plenary-hand-queue').getByRole('button', { name: 'Pin (Wim)' }).click();
	for (const page of everyone) {
		await expect(page.getByTestId('plenary-gallery')).toHaveAttribute('data-mode', 'speaker');
		await expect(tile(page, 'Wim')).toHaveAttribute('data-big', 'true');
	}
	await astrid.page.getByTestId('plenary-hand-queue').getByRole('button', { name: 'Lower hand (Wim)' }).click();
	for (const page of everyone) await expect(page.getByTestId('plenary-hand')).toHaveText([/Nils/]);
	await astrid.page.getByTestId('plenary-unpin').click();
	for (const page of everyone) await expect(page.getByTestId('plenary-gallery')).toHaveAttribute('data-mode', 'pages');

	// The moderator removes Sara (asked first); she is told, and can go back to her group.
	await astrid.page.locator('summary').click();
	await person(astrid.page, 'Sara').getByTestId('plenary-remove').click();
	await person(astrid.page, 'Sara').getByTestId('confirm-plenary-remove').click();
	await expect(sara.getByTestId('plenary-removed')).toBeVisible();
	await expect(sara.getByTestId('back-to-group')).toBeVisible();
	for (const page of [nils.page, wim.page, astrid.page]) await expect(page.getByTestId('plenary-tile')).toHaveCount(3);
	await expect(organiser.getByTestId('plenary-headcount')).toHaveAttribute('data-count', '3');

	// The organiser ends it from the overview, after being asked: every page says so.
	await organiser.getByTestId('end-plenary').click();
	await organiser.getByTestId('confirm-end-plenary').click();
	for (const page of [nils.page, wim.page, astrid.page]) {
		await expect(page.getByTestId('plenary-ended')).toBeVisible();
		await expect(page.getByTestId('plenary-tile')).toHaveCount(0);
	}
	await expect(organiser.getByTestId('plenary-control')).toHaveAttribute('data-open', 'false');
	await expectAccessible(wim.page, 'the plenary ended');

	// Back to the group with the same link: the door is gone, the group is there.
	await nils.page.getByTestId('back-to-group').click();
	await expect(nils.page).toHaveURL(/\/room#t=/);
	await expect(nils.page.getByTestId('display-name')).toBeVisible();
	await expect(nils.page.getByTestId('join-plenary')).toHaveCount(0);

	for (const [who, context, page] of [
		['Nils', nils.context, nils.page],
		['Wim', wim.context, wim.page],
		['Astrid', astrid.context, astrid.page],
		['Sara', saraContext, sara],
		['the organiser', organiserContext, organiser]
	] as const)
		await expectNothingStored(context, page, who);
	expect([...nils.errors, ...wim.errors, ...astrid.errors, ...saraErrors, ...organiserErrors]).toEqual([]);
	for (const context of [nils.context, wim.context, astrid.context, saraContext, organiserContext]) await context.close();
});

test('the organiser joins from the overview, as organiser, and ends it from inside', async ({ browser, request }) => {
	const base = process.env.E2E_BASE_URL!;
	const conference = await createConference(base, request);
	const context = await browser.newContext();
	const organiser = await organiserOpens(context, conference.organiserLink, 'Closing plenary');
	const tab = context.waitForEvent('page');
	await organiser.getByTestId('join-plenary').click();
	const plenary = await tab;
	await expect(plenary.getByTestId('display-name')).toHaveValue('Organiser');
	await plenary.getByTestId('join').click();
	await expect(plenary.getByTestId('plenary-my-role')).toHaveAttribute('data-role', 'moderator');
	await expect(plenary.getByTestId('plenary-my-role')).toContainText('Organiser');
	await expect(organiser.getByTestId('plenary-headcount')).toHaveAttribute('data-count', '1');

	const member = await joinAs(browser, conference.groups[0]!.links.member, 'Mia');
	// In the lobby: the page knows the name Mia gave (a click before that carries none).
	await expect(member.page.getByTestId('lobby-waiting')).toBeVisible();
	await expect(member.page.getByTestId('join-plenary')).toBeVisible();
	await intoPlenary(member.page, 'Mia');
	// Only the organiser may end it: a leader's panel has no such button, the organiser's has.
	await plenary.getByTestId('end-plenary').click();
	await plenary.getByTestId('confirm-end-plenary').click();
	await expect(member.page.getByTestId('plenary-ended')).toBeVisible();
	await expect(plenary.getByTestId('plenary-ended')).toBeVisible();
	await expect(organiser.getByTestId('plenary-control')).toHaveAttribute('data-open', 'false');
	await context.close();
	await member.context.close();
});

test.describe('with the stand-in media server', () => {
	const KEY = 'plenarykey';
	const SECRET = 'plenary-secret-that-is-long-enough-for-hmac';
	let fake: FakeLiveKit;
	let server: ServerProcess;
	let dataDir: string;

	test.beforeAll(async () => {
		fake = await startFakeLiveKit(KEY, SECRET);
		dataDir = mkdtempSync(join(tmpdir(), 'balint-plenary-'));
		server = await startServer({ DATA_DIR: dataDir, LIVEKIT_URL: fake.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET });
	});
	test.afterAll(async () => {
		await server.stop();
		await fake.close();
		rmSync(dataDir, { recursive: true, force: true });
	});

	test('a group leader as moderator mutes a member: the media server mutes their microphone in the plenary room', async ({ browser, request }) => {
		const conference = await createConference(server.url, request);
		const organiserContext = await browser.newContext();
		await organiserOpens(organiserContext, conference.organiserLink, 'Journal club');
		const room = `plenary-${conference.conference.id}`;

		const people: { name: string; link: string }[] = [
			{ name: 'Lena Leader', link: conference.groups[0]!.links.leader },
			{ name: 'Mona Member', link: conference.groups[1]!.links.member }
		];
		const pages: Page[] = [];
		for (const p of people) {
			const context = await browser.newContext();
			const page = await context.newPage();
			// Straight to the plenary page with the group link's own fragment.
			await page.goto(p.link.replace('/room#', '/plenary#'));
			await joinOnPageName(page, p.name);
			pages.push(page);
		}
		const [lena, mona] = pages as [Page, Page];
		for (const page of pages) await page.getByTestId('enter-room').click();
		// Both reach the plenary's media room with tokens for it (the stand-in speaks no signalling).
		await expect.poll(() => new Set(fake.signalling.filter((s) => s.room === room).map((s) => s.name)).size).toBe(2);
		await expect(lena.getByTestId('plenary-tile')).toHaveCount(2);

		const identity = fake.signalling.find((s) => s.room === room && s.name === 'Mona Member')!.identity;
		fake.tracks.set(identity, [
			{ sid: 'TR_mona_cam', source: 'CAMERA', muted: false },
			{ sid: 'TR_mona_mic', source: 'MICROPHONE', muted: false }
		]);
		fake.join(room, identity);
		await expect(mona.getByTestId('plenary-actions')).toHaveCount(0);
		// The moderator's menu under Mona's face: mute.
		const cell = tile(lena, 'Mona Member').locator('..');
		await cell.getByTestId('plenary-person-menu').click();
		await cell.getByTestId('plenary-mute').click();
		const calls = (method: string) => fake.calls.filter((c) => c.method === method && c.body.room === room).map((c) => c.body);
		await expect.poll(() => calls('MutePublishedTrack')).toEqual([{ room, identity, trackSid: 'TR_mona_mic', muted: true }]);
		await expect(lena.getByTestId('refusal')).toHaveCount(0);
		for (const page of pages) await page.context().close();
		await organiserContext.close();
	});
});

/** The plenary page's name form: a name, and in. */
async function joinOnPageName(page: Page, name: string): Promise<void> {
	await page.getByTestId('display-name').fill(name);
	await page.getByTestId('join').click();
	await expect(page.getByTestId('plenary-room')).toBeVisible();
}
