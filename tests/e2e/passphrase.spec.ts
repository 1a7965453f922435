import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startServer } from '../support/server-process';
import { containing, filesUnder } from '../support/traces';
import config from '../../playwright.config';
import { expect, test, admit, baseUrl, closeAll, joinOnPage, participant, watchErrors, type Links } from './fixtures';

/**
 * The leaders' passphrase in the browser (issue 15): set on the create form, asked for by the
 * leader and co-leader links, refused in the reader's language when wrong, and kept nowhere.
 */

const PASSPHRASE = 'Lantern over Öresund';
const SHOTS = '/tmp/shots-passphrase';
const de = JSON.parse(readFileSync(join(process.cwd(), 'messages', 'de.json'), 'utf8')) as Record<string, string>;
const en = JSON.parse(readFileSync(join(process.cwd(), 'messages', 'en.json'), 'utf8')) as Record<string, string>;

async function shoot(page: Page, name: string): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	for (const [label, size] of [
		['laptop', { width: 1366, height: 768 }],
		['phone', { width: 390, height: 844 }]
	] as const) {
		await page.setViewportSize(size);
		await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
	}
	await page.setViewportSize({ width: 1366, height: 768 });
}

async function noSeriousAxe(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
	expect(bad, `serious/critical axe violations on ${screen}`).toEqual([]);
}

/** The create form, filled with a group name and the passphrase, then submitted; the five links from the links page. */
async function createWithPassphrase(page: Page, base: string, group: string, passphrase: string, screenshots = false): Promise<Links> {
	await page.goto(base + '/');
	await page.getByTestId('group-name').fill(group);
	const field = page.getByTestId('leader-passphrase');
	await expect(field).toHaveAttribute('type', 'password');
	await expect(field).toHaveAttribute('autocomplete', 'off');
	await field.fill(passphrase);
	// Too short: said beside the field, and nothing is sent.
	if (screenshots) {
		await field.fill('short');
		await page.getByTestId('create-group').click();
		await expect(page.getByTestId('leader-passphrase-problem')).toHaveText(en.leader_passphrase_length!);
		await expect(field).toBeFocused();
		await expect(field).toHaveAttribute('aria-invalid', 'true');
		await field.fill(passphrase);
		await page.getByTestId('show-passphrase').click();
		await expect(field).toHaveAttribute('type', 'text');
		await expect(page.getByTestId('show-passphrase')).toHaveAttribute('aria-pressed', 'true');
		await page.getByTestId('show-passphrase').click();
		await noSeriousAxe(page, 'the create form with a passphrase');
		await shoot(page, 'create-form');
	}
	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('group-links')).toBeVisible();
	await expect(page.getByTestId('passphrase-advice')).toHaveAttribute('data-set', 'true');
	await expect(page.getByTestId('passphrase-advice')).toContainText(en.passphrase_tradeoff!);
	if (screenshots) await shoot(page, 'links-page');
	const links = {} as Links;
	for (const key of ['leader', 'coLeader', 'member', 'observer', 'supervisor'] as const)
		links[key] = (await page.getByTestId(`link-${key}`).getAttribute('data-url'))!;
	return links;
}

async function fillJoin(page: Page, name: string, passphrase: string): Promise<void> {
	await page.getByTestId('display-name').fill(name);
	await page.getByTestId('accept-ground-rules').check();
	await page.getByTestId('leader-passphrase').fill(passphrase);
	await page.getByTestId('join').click();
}

test('a leader link asks for the passphrase, refuses a wrong one in German and changes nothing, and the right one enters; a member link does not ask', async ({
	browser
}) => {
	const creator = await browser.newContext();
	const createPage = await creator.newPage();
	const errors = watchErrors(createPage);
	const links = await createWithPassphrase(createPage, baseUrl(), 'Passphrase group', PASSPHRASE, true);
	// A group without one says so, with the same trade-off.
	await createPage.getByTestId('create-another').click();
	await createPage.getByTestId('confirm-create-another').click();
	await createPage.getByTestId('group-name').fill('Open group');
	await createPage.getByTestId('create-group').click();
	await expect(createPage.getByTestId('passphrase-advice')).toHaveAttribute('data-set', 'false');
	await expect(createPage.getByTestId('passphrase-advice')).toContainText(en.passphrase_none!);

	// The leader, on another computer, in German.
	const leaderContext = await browser.newContext({ locale: 'de-DE' });
	const leader = await leaderContext.newPage();
	errors.push(...watchErrors(leader));
	await leader.goto(links.leader);
	await expect(leader.getByTestId('leader-passphrase')).toBeVisible();
	await expect(leader.getByText(de.join_passphrase_hint!)).toBeVisible();
	await noSeriousAxe(leader, "the leader's join form");
	await shoot(leader, 'leader-join-form');

	await fillJoin(leader, 'Lena Leiterin', 'Lantern over Oresund');
	const problem = leader.getByTestId('passphrase-problem');
	await expect(problem).toHaveText(de.problem_wrong_passphrase!);
	await expect(problem).not.toHaveText(en.problem_wrong_passphrase!);
	await expect(leader.getByTestId('leader-passphrase')).toBeFocused();
	await expect(leader.getByTestId('leader-passphrase')).toHaveAttribute('aria-describedby', /leader-passphrase-problem/);
	// The name and the accepted rules stay; only the passphrase is asked again.
	await expect(leader.getByTestId('display-name')).toHaveValue('Lena Leiterin');
	await expect(leader.getByTestId('phase')).toHaveCount(0);
	await shoot(leader, 'leader-join-wrong');

	await leader.getByTestId('leader-passphrase').fill(PASSPHRASE);
	await leader.getByTestId('join').click();
	await expect(leader.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	// The wrong try left nobody behind: the leader is alone in the room.
	await expect(leader.getByTestId('participant')).toHaveCount(1);
	await expect(participant(leader, 'Lena Leiterin')).toHaveAttribute('data-role', 'leader');

	// A member's link asks for no passphrase.
	const memberContext = await browser.newContext();
	const member = await memberContext.newPage();
	errors.push(...watchErrors(member));
	await member.goto(links.member);
	await expect(member.getByTestId('display-name')).toBeVisible();
	await expect(member.getByTestId('leader-passphrase')).toHaveCount(0);
	await joinOnPage(member, null, 'Mia Member');
	await admit(leader, 'Mia Member');
	await expect(participant(member, 'Lena Leiterin')).toBeVisible();

	// The co-leader, with the passphrase told another way, is announced and let in.
	const coContext = await browser.newContext();
	const co = await coContext.newPage();
	errors.push(...watchErrors(co));
	await co.goto(links.coLeader);
	await fillJoin(co, 'Carl Co', PASSPHRASE);
	await admit(leader, 'Carl Co');
	await expect(participant(leader, 'Carl Co')).toHaveAttribute('data-role', 'co-leader');

	// A reload keeps the seat: back in the room without being asked again.
	await leader.reload();
	await expect(leader.getByTestId('phase')).toBeVisible();
	await expect(leader.getByTestId('leader-passphrase')).toHaveCount(0);
	await expect(participant(member, 'Lena Leiterin')).toHaveAttribute('data-connected', 'true');

	expect(errors).toEqual([]);
	await closeAll([creator, leaderContext, memberContext, coContext]);
});

test('the passphrase is nowhere in the browser profiles, the server output or its data folder', async () => {
	const dataDir = mkdtempSync(join(tmpdir(), 'balint-passphrase-'));
	const profiles = [mkdtempSync(join(tmpdir(), 'balint-profile-')), mkdtempSync(join(tmpdir(), 'balint-profile-'))];
	const server = await startServer({ DATA_DIR: dataDir });
	const contexts: BrowserContext[] = [];
	const wrong = 'Lantern under Kattegat';
	try {
		const launch = config.use?.launchOptions ?? {};
		const open = async (profile: string): Promise<Page> => {
			const context = await chromium.launchPersistentContext(profile, { ...launch, headless: true });
			contexts.push(context);
			return context.pages()[0] ?? context.newPage();
		};
		const creator = await open(profiles[0]!);
		const links = await createWithPassphrase(creator, server.url, 'Trace group', PASSPHRASE);
		const leader = await open(profiles[1]!);
		await leader.goto(links.leader);
		await fillJoin(leader, 'Lena Leader', wrong);
		await expect(leader.getByTestId('passphrase-problem')).toHaveText(en.problem_wrong_passphrase!);
		await leader.getByTestId('leader-passphrase').fill(PASSPHRASE);
		await leader.getByTestId('join').click();
		await expect(leader.getByTestId('phase')).toBeVisible();
		// Long enough for Chromium to have saved its session and form data (it does within seconds).
		await leader.waitForTimeout(5000);
		await leader.getByTestId('end-session').click();
		await leader.getByTestId('confirm-end-session').click();
		await expect(leader.getByTestId('session-ended')).toBeVisible();
		for (const c of contexts.splice(0)) await c.close();
		await server.stop();

		const secrets = [PASSPHRASE, PASSPHRASE.normalize('NFD'), wrong];
		expect(
			secrets.filter((s) => server.output().includes(s)),
			'server output'
		).toEqual([]);
		expect(containing(filesUnder(dataDir), secrets), 'the data folder').toEqual([]);
		for (const profile of profiles) {
			const files = filesUnder(profile);
			expect(files.length, 'the profile was written to disk').toBeGreaterThan(0);
			expect(
				containing(files, secrets).map((f) => relative(profile, f)),
				'the passphrase in the browser profile'
			).toEqual([]);
		}
	} finally {
		for (const c of contexts) await c.close();
		await server.stop();
		for (const dir of [dataDir, ...profiles]) rmSync(dir, { recursive: true, force: true });
	}
});
