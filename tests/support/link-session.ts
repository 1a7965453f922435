import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { CreatedGroup } from '../../src/lib/sync/api-types';
import config from '../../playwright.config';
import { admit, joinOnPage } from './joining';
import { filesUnder } from './traces';

/**
 * What a browser keeps of a link after a session: one member's whole session in a persistent
 * Chromium profile on disk (create a group by the API, open the member link, join, be admitted
 * by a leader in another profile, the end, the browser closed), then a byte search of every file
 * of the profile. Shared by `scripts/link-traces.ts` (the measurement across page variants) and
 * `tests/e2e/link-traces.spec.ts` (the app as it is).
 */

/** The three things of a link worth finding: its token (`t`), its media key (`k`), the group's name (`n`). */
export interface LinkSecrets {
	token: string;
	mediaKey: string;
	group: string;
}
export type Trace = 't' | 'k' | 'n';

export const LEADER_NAME = 'Leader Ottoline';
export const MEMBER_NAME = 'Member Barnabus';

export interface MemberSession {
	/** The app's origin as the browser reaches it (the relay's). */
	origin: string;
	/** The member's profile folder (a fresh one). */
	profile: string;
	/** The leader's browser context (another profile). */
	leader: BrowserContext;
	group: string;
	/** How the member link reaches the room: by default typed or pasted (a navigation with no page before it). */
	open?: (member: BrowserContext, url: string) => Promise<Page>;
	/** Once the join form shows (the page has read the link). */
	afterLoad?: (page: Page) => Promise<void>;
	/** After the end, before the browsers close: the member's page, then the leader's. */
	beforeClose?: (member: Page, leader: Page) => Promise<void>;
}

export const launchOptions = () => ({ ...config.use?.launchOptions, headless: true });

/** The link typed or pasted into the address bar of the browser's first tab. */
async function typed(context: BrowserContext, url: string): Promise<Page> {
	const page = context.pages()[0] ?? (await context.newPage());
	await page.goto(url);
	return page;
}

const secretsOf = (url: string, group: string): LinkSecrets => {
	const fragment = new URLSearchParams(new URL(url).hash.slice(1));
	return { token: fragment.get('t')!, mediaKey: fragment.get('k')!, group };
};

/**
 * Runs the session; the member's browser is closed when it returns (its profile written out),
 * the leader's context is left open. Answers the secrets of both links.
 */
export async function memberSession(o: MemberSession): Promise<{ member: LinkSecrets; leader: LinkSecrets }> {
	const created = await fetch(`${o.origin}/api/groups`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: o.group })
	});
	if (created.status !== 201) throw new Error(`creating the group: ${created.status} ${await created.text()}`);
	const { links } = (await created.json()) as CreatedGroup;

	const leader = await o.leader.newPage();
	await joinOnPage(leader, links.leader, LEADER_NAME);
	await leader.getByTestId('phase').waitFor();
	const member = await chromium.launchPersistentContext(o.profile, launchOptions());
	try {
		const page = await (o.open ?? typed)(member, links.member);
		await page.getByTestId('display-name').waitFor();
		await o.afterLoad?.(page);
		await joinOnPage(page, null, MEMBER_NAME);
		await admit(leader, MEMBER_NAME);
		await page.getByTestId('raise-hand').waitFor();
		// Long enough for Chromium to save its session and history (it does within seconds).
		await page.waitForTimeout(5000);
		await leader.getByTestId('end-session').click();
		await leader.getByTestId('confirm-end-session').click();
		await page.getByTestId('session-ended').waitFor();
		await o.beforeClose?.(page, leader);
	} finally {
		await member.close();
		await leader.close();
	}
	return { member: secretsOf(links.member, o.group), leader: secretsOf(links.leader, o.group) };
}

/**
 * The byte forms each secret is searched in: as typed (each in UTF-8 and UTF-16, by `tracesIn`),
 * URL-encoded, and for the group's name also inside base64 (a link's token is base64url JSON
 * that holds it), at each of the three alignments, in both base64 alphabets.
 */
export function forms(secrets: LinkSecrets): Record<Trace, string[]> {
	const name = Buffer.from(secrets.group, 'utf8');
	const base64 = [0, 1, 2].flatMap((offset) => {
		const total = offset + name.length;
		const text = Buffer.concat([Buffer.alloc(offset), name]).toString('base64');
		// Only the characters made of the name's bits alone.
		const inner = text.slice(Math.ceil((offset * 8) / 6), Math.floor((total * 8) / 6));
		return [inner, inner.replace(/\+/g, '-').replace(/\//g, '_')];
	});
	const unique = (list: string[]) => [...new Set(list)];
	return {
		t: unique([secrets.token, encodeURIComponent(secrets.token)]),
		k: unique([secrets.mediaKey, encodeURIComponent(secrets.mediaKey)]),
		n: unique([secrets.group, encodeURIComponent(secrets.group), secrets.group.replace(/ /g, '+'), ...base64])
	};
}

/** A file's path below the profile with its run-specific numbers folded (`Session_13412…` → `Session_*`). */
export const fold = (path: string): string => path.replace(/\d{5,}/g, '*');

/** Every file of the profile that holds a secret, by folded path, with which ones it holds. */
export function tracesIn(profile: string, secrets: LinkSecrets): Map<string, Set<Trace>> {
	const needles = forms(secrets);
	const found = new Map<string, Set<Trace>>();
	for (const file of filesUnder(profile)) {
		let bytes: Buffer;
		try {
			bytes = readFileSync(file);
		} catch {
			continue; // removed since it was listed
		}
		for (const [trace, list] of Object.entries(needles) as [Trace, string[]][]) {
			if (!list.some((n) => bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le')))) continue;
			const key = fold(relative(profile, file));
			found.set(key, (found.get(key) ?? new Set()).add(trace));
		}
	}
	return found;
}

/** One table: a row per file, a column per variant, each cell the secrets found there (`t k n`) or `·`. */
export function traceTable(columns: { name: string; traces: Map<string, Set<Trace>> }[]): string {
	const files = [...new Set(columns.flatMap((c) => [...c.traces.keys()]))].sort();
	const cell = (set: Set<Trace> | undefined) => (set ? (['t', 'k', 'n'] as const).filter((t) => set.has(t)).join(' ') : '·');
	const width = Math.max(4, ...files.map((f) => f.length));
	const cols = columns.map((c) => Math.max(5, c.name.length));
	const row = (first: string, cells: string[]) => [first.padEnd(width), ...cells.map((c, i) => c.padEnd(cols[i]!))].join('  ').trimEnd();
	const lines = [
		row(
			'file',
			columns.map((c) => c.name)
		),
		row(
			'-'.repeat(width),
			cols.map((w) => '-'.repeat(w))
		),
		...files.map((f) =>
			row(
				f,
				columns.map((c) => cell(c.traces.get(f)))
			)
		)
	];
	if (!files.length) lines.push('(no file holds any of them)');
	return lines.join('\n');
}
