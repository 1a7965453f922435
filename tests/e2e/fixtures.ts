import { expect, test as base, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { Phase } from '../../src/lib/session/phases';
import type { Role } from '../../src/lib/session/roles';
import type { GroupLinks } from '../../src/lib/sync/api-types';
import { attr, watchErrors, type Person } from '../support/joining';

/**
 * Helpers shared by the browser tests: every person has their own browser context, so they
 * share nothing but the server, as real people on their own computers would.
 */

/**
 * `test` with a safety net: every browser context still open when a test ends (because it
 * failed half-way) is closed, so no page of a failed test keeps reconnecting during the next.
 */
export const test = base.extend<{ closeLeftoverContexts: void }>({
	closeLeftoverContexts: [
		async ({ browser }, use) => {
			await use();
			for (const context of browser.contexts()) await context.close().catch(() => {});
		},
		{ auto: true }
	]
});
export { expect };

export type { Phase, Role };
/** A group's links as the API answers them, by their keys there. */
export type Links = GroupLinks;
export type LinkKey = keyof GroupLinks;
// Joining is shared with the benchmarks; the browser tests keep importing it from here.
export { admit, attr, joinAs, joinOnPage, joinPage, watchErrors, type Person } from '../support/joining';

export function baseUrl(): string {
	const url = process.env.E2E_BASE_URL;
	if (!url) throw new Error('E2E_BASE_URL is not set: run through `npx playwright test` (global setup starts the server)');
	return url;
}

export function participant(page: Page, name: string): Locator {
	return page.locator(`[data-testid="participant"]${attr('data-name', name)}`);
}

export function waitingEntry(page: Page, name: string): Locator {
	return page.locator(`[data-testid="waiting"]${attr('data-name', name)}`);
}

/**
 * Creates a group through the landing page, in its own browser context (or the one given), and
 * reads the five links from the links page. The creator's page stays on the links page.
 */
export async function createGroup(
	browser: Browser,
	name: string,
	options: { base?: string; context?: BrowserContext } = {}
): Promise<{ links: Links; page: Page; context: BrowserContext; errors: string[] }> {
	const context = options.context ?? (await browser.newContext());
	const page = await context.newPage();
	const errors = watchErrors(page);
	await page.goto((options.base ?? baseUrl()) + '/');
	await page.getByTestId('group-name').fill(name);
	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('group-links')).toBeVisible();
	const links = {} as Links;
	for (const key of ['leader', 'coLeader', 'member', 'observer', 'supervisor'] as const) {
		const url = await page.getByTestId(`link-${key}`).getAttribute('data-url');
		expect(url, `link-${key} has a data-url`).toMatch(/^https?:\/\/[^#]+\/room#t=/);
		links[key] = url!;
	}
	return { links, page, context, errors };
}

/** The phases' names in English (the browser tests run in en-GB), as screens and announcements say them. */
export const PHASE_NAMES: Record<Phase, string> = {
	gathering: 'Gathering',
	opening: 'Opening',
	'case-call': 'Who has a case?',
	presentation: 'Presentation',
	questions: 'Questions',
	reflection: 'Reflection',
	return: 'The presenter returns',
	closing: 'Closing',
	ended: 'Ended'
};

export interface Agreement {
	phase: Phase;
	/** The presenter's name, or null when nobody presents. */
	presenter: string | null;
	listening: boolean;
	/**
	 * The roster every screen must show: name → role. Always given: taking it from one screen
	 * raced that screen's own updates (an admission it had not drawn yet).
	 */
	roster: Record<string, Role>;
	/** Names whose hand is up; when given, everyone else's hand must be down. */
	hands?: string[];
}

const isPage = (p: Page | Person): p is Page => typeof (p as Page).goto === 'function';
const pagesOf = (people: (Page | Person)[]): Page[] => people.map((p) => (isPage(p) ? p : p.page));

/**
 * Every screen shows the same shared state: the phase, who presents and whether they listen,
 * both in the roster's attributes and in the words of the phase banner, and (when given) the
 * same roster with the same roles and the same raised hands. Auto-waiting throughout.
 */
export async function expectAllAgree(people: (Page | Person)[], want: Agreement): Promise<void> {
	const pages = pagesOf(people);
	const roster = want.roster;
	const names = Object.keys(roster);
	if (want.presenter !== null) expect(names, 'the presenter is in the roster').toContain(want.presenter);

	for (const [index, page] of pages.entries()) {
		const where = `screen ${index + 1} (${page.url().split('#')[0]})`;
		await expect(page.getByTestId('phase'), where).toHaveAttribute('data-phase', want.phase);
		await expect(page.getByTestId('phase'), where).toHaveText(PHASE_NAMES[want.phase]);
		// Screen readers hear the same, from a polite live region.
		const announcer = page.getByTestId('announcer');
		await expect(announcer, where).toHaveAttribute('aria-live', 'polite');
		await expect(announcer, where).toContainText(`Phase: ${PHASE_NAMES[want.phase]}.`);
		if (want.presenter) {
			await expect(announcer, where).toContainText(want.presenter);
			// After the reflection the presenter is back in the conversation, not merely allowed to speak.
			const back = want.phase === 'return' || want.phase === 'closing';
			await expect(announcer, where).toContainText(
				want.listening ? 'The presenter is listening' : back ? 'The presenter is back in the conversation' : 'The presenter may speak'
			);
		}

		const entries = page.getByTestId('participant');
		await expect(entries, `${where}: roster size`).toHaveCount(names.length);
		for (const [name, role] of Object.entries(roster)) {
			await expect(participant(page, name), `${where}: ${name}'s role`).toHaveAttribute('data-role', role);
		}

		// Exactly the presenter's entry says presenter, and only it may say listening.
		const presenting = page.locator('[data-testid="participant"][data-presenter="true"]');
		const listening = page.locator('[data-testid="participant"][data-listening="true"]');
		await expect(presenting, `${where}: presenter entries`).toHaveCount(want.presenter ? 1 : 0);
		await expect(listening, `${where}: listening entries`).toHaveCount(want.presenter && want.listening ? 1 : 0);
		await expect(page.locator('[data-testid="participant"][data-presenter="false"]'), `${where}: others`).toHaveCount(names.length - (want.presenter ? 1 : 0));
		if (want.presenter) {
			const entry = participant(page, want.presenter);
			await expect(entry, `${where}: presenter`).toHaveAttribute('data-presenter', 'true');
			await expect(entry, `${where}: presenter listening`).toHaveAttribute('data-listening', String(want.listening));
			// …and in words, not only in attributes.
			await expect(page.getByTestId('presenter-status'), where).toContainText(want.presenter);
			await expect(page.getByTestId('listening-status'), where).toHaveAttribute('data-listening', String(want.listening));
		} else {
			await expect(page.getByTestId('presenter-status'), where).toHaveAttribute('data-presenter-id', '');
			await expect(page.getByTestId('listening-status'), where).toHaveCount(0);
		}

		if (want.hands) {
			await expect(page.locator('[data-testid="participant"][data-hand="true"]'), `${where}: raised hands`).toHaveCount(want.hands.length);
			for (const name of want.hands) await expect(participant(page, name), `${where}: ${name}'s hand`).toHaveAttribute('data-hand', 'true');
		}
	}
}

/** The leader panel's hand queue, in order of raising. */
export async function expectHandQueue(page: Page, names: string[]): Promise<void> {
	const hands = page.getByTestId('hand');
	await expect(hands).toHaveCount(names.length);
	for (const [i, name] of names.entries()) await expect(hands.nth(i)).toHaveAttribute('data-name', name);
}

/** Leader controls that members and observers must never see. */
export const LEADER_CONTROLS = [
	'leader-panel',
	'next-phase',
	'set-phase',
	'second-case',
	'make-presenter',
	'toggle-listening',
	'clear-presenter',
	'lower-hand',
	'remove',
	'admit',
	'decline',
	'end-session',
	// What only leaders may know: the case offers and the leaders' channel.
	'case-offers',
	'case-offer',
	'leader-channel',
	'leader-message-input',
	'admit-all',
	'person-menu',
	'waiting-count',
	'hands-count',
	// A second leader at the door (issue 15) is announced to leaders only.
	'leader-arriving',
	'refuse-leader'
] as const;

export async function expectNoLeaderControls(people: (Page | Person)[]): Promise<void> {
	for (const page of pagesOf(people)) {
		for (const id of LEADER_CONTROLS) await expect(page.getByTestId(id), `${id} on ${page.url().split('#')[0]}`).toHaveCount(0);
	}
}

export async function closeAll(people: ({ context: BrowserContext } | BrowserContext)[]): Promise<void> {
	for (const p of people) {
		const context = typeof (p as BrowserContext).newPage === 'function' ? (p as BrowserContext) : (p as { context: BrowserContext }).context;
		await context.close().catch(() => {});
	}
}
