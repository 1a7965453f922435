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
		await leader.getByTestId('end-session').click();
		await leader.getByTestId('confirm-end-session').click();
		await expect(member.getByTestId('session-ended')).toBeVisible();
		for (const c of contexts.splice(0)) await c.close();
		// Stopped first, so that everything it would ever print (at shutdown too) is in.
		await server.stop();

		const secrets = [GROUP, ...NAMES, ...tokens];
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
