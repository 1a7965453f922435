import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startServer } from '../support/server-process';
import { containing, filesUnder } from '../support/traces';
import config from '../../playwright.config';

/**
 * A whole session with distinctive names, then a search of everything that could keep a
 * trace: the server's output, its data folder, files the run wrote in the project folder,
 * and each person's whole browser profile on disk (cookies, storage, IndexedDB, cache).
 */
const GROUP = 'Heliotrope Circle Quinquagesima';
const NAMES = ['Zebulon Quixfeather', 'Marisol Vantongeren'];

/** What a tab keeps across a reload (sync/tab-seat.ts): one share in its window's name, the other in its history entry. */
interface Shares {
	name: string;
	pad: string | null;
}
const sharesOf = (page: Page): Promise<Shares> =>
	page.evaluate(() => {
		const metadata = (history.state as Record<string, { state?: string }> | null)?.['sveltekit:metadata'];
		const pad = /"([A-Za-z0-9+/]{20,}={0,2})"/.exec(metadata?.state ?? '');
		return { name: window.name, pad: pad ? pad[1]! : null };
	});
/** The two shares put together: the seat they keep. */
function seatOf({ name, pad }: Shares): { seat: string; name: string } {
	const share = Buffer.from(name.replace(/^balint-seat:/, ''), 'base64');
	const key = Buffer.from(pad!, 'base64');
	return JSON.parse(Buffer.from(share.map((b, i) => b ^ key[i]!)).toString('utf8')) as { seat: string; name: string };
}

test('no name, group name or token is left in server output, files or browser profiles', async () => {
	const started = Date.now();
	const dataDir = mkdtempSync(join(tmpdir(), 'balint-privacy-'));
	const profiles = [mkdtempSync(join(tmpdir(), 'balint-profile-')), mkdtempSync(join(tmpdir(), 'balint-profile-'))];
	const server = await startServer({ DATA_DIR: dataDir });
	const contexts: BrowserContext[] = [];
	try {
		const launch = config.use?.launchOptions ?? {};
		const open = async (profile: string): Promise<Page> => {
			const context = await chromium.launchPersistentContext(profile, { ...launch, headless: true });
			contexts.push(context);
			return context.pages()[0] ?? context.newPage();
		};
		const leader = await open(profiles[0]!);
		await leader.goto(server.url + '/');
		await leader.getByTestId('group-name').fill(GROUP);
		await leader.getByTestId('create-group').click();
		const leaderUrl = (await leader.getByTestId('link-leader').getAttribute('data-url'))!;
		const memberUrl = (await leader.getByTestId('link-member').getAttribute('data-url'))!;
		const tokens = [leaderUrl, memberUrl].map((u) => new URLSearchParams(u.split('#')[1]).get('t')!);

		const join = async (page: Page, url: string, name: string) => {
			await page.goto(url);
			await page.getByTestId('display-name').fill(name);
			await page.getByTestId('accept-ground-rules').check();
			await page.getByTestId('join').click();
		};
		await join(leader, leaderUrl, NAMES[0]!);
		const member = await open(profiles[1]!);
		await join(member, memberUrl, NAMES[1]!);
		await leader.locator(`[data-testid="waiting"][data-name="${NAMES[1]}"] [data-testid="admit"]`).click();
		await member.getByTestId('raise-hand').click();
		await leader.locator(`[data-testid="participant"][data-name="${NAMES[1]}"] [data-testid="make-presenter"]`).click();
		await leader.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
		await expect(member.getByTestId('presenter-note')).toBeVisible();
		// The tab keeps its seat for a reload, split in two shares that say nothing alone.
		await expect.poll(async () => (await sharesOf(member)).pad).not.toBeNull();
		const held = await sharesOf(member);
		const kept = seatOf(held);
		expect(kept.name).toBe(NAMES[1]);
		// Long enough for Chromium to have saved its session (it does within seconds).
		await member.waitForTimeout(5000);
		await leader.getByTestId('end-session').click();
		await leader.getByTestId('confirm-end-session').click();
		await expect(member.getByTestId('session-ended')).toBeVisible();
		// The end wipes the seat from the tab: neither share is left.
		await expect.poll(() => sharesOf(member)).toEqual({ name: '', pad: null });
		await expect.poll(() => sharesOf(leader)).toEqual({ name: '', pad: null });
		for (const c of contexts.splice(0)) await c.close();
		// Stopped first, so that everything it would ever print (at shutdown too) is in.
		await server.stop();

		// The seat, and the share that was in the window's name, never reached the disk.
		const secrets = [GROUP, ...NAMES, ...tokens, kept.seat, held.name.replace(/^balint-seat:/, '')];
		expect(
			secrets.filter((s) => server.output().includes(s)),
			'server output'
		).toEqual([]);
		expect(readdirSync(dataDir), 'the data folder holds only the signing key').toEqual(['link-signing-key']);
		expect(containing(filesUnder(dataDir), secrets)).toEqual([]);
		const written = filesUnder(process.cwd(), started, /^(node_modules|\.git|test-results|playwright-report|\.svelte-kit|build)(\/|$)/);
		expect(
			containing(written, secrets).map((f) => relative(process.cwd(), f)),
			'files written in the project folder'
		).toEqual([]);
		for (const profile of profiles) {
			const files = filesUnder(profile);
			expect(files.length, 'the profile was written to disk').toBeGreaterThan(0);
			// Names and the group name appear nowhere: not in storage, cache, autofill or history titles.
			expect(
				containing(files, [GROUP, ...NAMES]).map((f) => relative(profile, f)),
				'names in the browser profile'
			).toEqual([]);
			// The seat a tab keeps for a reload: not on disk, nor the share the window's name held
			// (the other share, the pad in the history entry, is random bytes: Chromium's session
			// files may hold it, docs/privacy.md).
			expect(
				containing(files, [kept.seat, held.name.replace(/^balint-seat:/, '')]).map((f) => relative(profile, f)),
				'the seat in the browser profile'
			).toEqual([]);
			// A link's token is where any visited link is: the browser's own record of
			// navigation. Nowhere else (cookies, storage, IndexedDB, cache).
			const navigation = /^Default\/(History|Favicons|Sessions\/|Visited Links)|^segmentation_platform\//;
			const withTokens = containing(files, tokens).map((f) => relative(profile, f));
			expect(
				withTokens.filter((f) => !navigation.test(f)),
				'tokens outside the navigation history'
			).toEqual([]);
		}
	} finally {
		for (const c of contexts) await c.close();
		await server.stop();
		for (const dir of [dataDir, ...profiles]) rmSync(dir, { recursive: true, force: true });
	}
});
