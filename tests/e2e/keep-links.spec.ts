import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, baseUrl, createGroup } from './fixtures';

/**
 * The links page keeps a new group's links from being lost (they live only in that page),
 * its QR codes are large enough for a phone at arm's length on screen and on paper, dates read
 * as the reader's region writes them, and the conference form works in a browser set to UTC.
 */
const SHOTS = '/tmp/shots-polish';
const KEYS = ['leader', 'coLeader', 'member', 'observer', 'supervisor'] as const;

async function expectAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations on ${screen}`
	).toEqual([]);
}

/** Closes the page as a person closing the tab would; answers the browser's question, if it asks, and says what it asked. */
async function closeTab(page: Page, answer: 'stay' | 'leave'): Promise<string[]> {
	const dialogs: string[] = [];
	const outcome = new Promise<void>((resolve) => {
		page.once('close', () => resolve());
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.type());
			void (answer === 'leave' ? dialog.accept() : dialog.dismiss()).then(() => resolve());
		});
	});
	await page.close({ runBeforeUnload: true });
	await outcome;
	return dialogs;
}

test('the links page says the links live only there and asks before they are lost, until they are copied or saved', async ({ browser }) => {
	const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'], acceptDownloads: true });
	const { page, errors } = await createGroup(browser, 'Kept Group', { context });
	await expect(page.getByTestId('links-only-here')).toHaveText('These links are shown only here. Copy or print them before you leave this page.');
	await expect(page.getByTestId('group-links')).toHaveAttribute('data-kept', 'false');
	await expectAccessible(page, 'the links page');

	// Closing the tab: the browser asks; "stay" keeps the page and its links.
	expect(await closeTab(page, 'stay')).toEqual(['beforeunload']);
	expect(page.isClosed()).toBe(false);
	await expect(page.getByTestId('link-member')).toBeVisible();

	// "Create another group" asks too, in words, while the links are not kept.
	await page.getByTestId('create-another').click();
	await expect(page.getByRole('alertdialog')).toContainText('Create another group without keeping them?');
	await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();

	// Copying four of five links is not enough; the fifth is.
	for (const key of KEYS.slice(0, 4)) await page.getByTestId(`copy-${key}`).click();
	await expect(page.getByTestId('group-links')).toHaveAttribute('data-kept', 'false');
	await page.getByTestId('copy-supervisor').click();
	await expect(page.getByTestId('group-links')).toHaveAttribute('data-kept', 'true');
	expect(errors).toEqual([]);
	expect(await closeTab(page, 'stay')).toEqual([]);
	expect(page.isClosed()).toBe(true);

	// Saving them as a file keeps them too: the file holds every link and the expiry.
	const second = await createGroup(browser, 'Saved Group', { context });
	const links = second.links;
	const [download] = await Promise.all([second.page.waitForEvent('download'), second.page.getByTestId('save-links').click()]);
	expect(download.suggestedFilename()).toBe('Saved Group.txt');
	const text = readFileSync((await download.path())!, 'utf8');
	for (const key of KEYS) expect(text).toContain(links[key]);
	expect(text).toMatch(/valid until \d{1,2} [A-Z][a-z]+ \d{4}\./);
	await expect(second.page.getByTestId('group-links')).toHaveAttribute('data-kept', 'true');
	// A reload now goes ahead without a question.
	const dialogs: string[] = [];
	second.page.on('dialog', (d) => void (dialogs.push(d.type()), d.dismiss()));
	await second.page.reload();
	await expect(second.page.getByTestId('create-group')).toBeVisible();
	expect(dialogs).toEqual([]);
	await context.close();
});

test('QR codes are at least 240 px with their quiet zone, on a laptop, a phone and paper; dates day first for a European', async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	for (const [width, height] of [
		[1366, 768],
		[390, 844]
	] as const) {
		const context = await browser.newContext({ viewport: { width, height } });
		const { page, links } = await createGroup(browser, 'Torsdagsgruppen · Malmö', { context });
		// en-GB: "21 May 2027", not "May 21, 2027".
		await expect(page.getByTestId('group-links')).toContainText(/until \d{1,2} [A-Z][a-z]+ \d{4}\./);
		for (const media of ['screen', 'print'] as const) {
			await page.emulateMedia({ media });
			for (const key of KEYS) {
				const box = (await page.getByTestId(`link-${key}`).locator('svg.qr').boundingBox())!;
				expect([media, width, key, Math.round(box.width) >= 240, Math.round(box.height) >= 240]).toEqual([media, width, key, true, true]);
				// 4 of the code's modules around it are blank (the quiet zone) and each module is >= 4 px.
				const modules = await page
					.getByTestId(`link-${key}`)
					.locator('svg.qr')
					.evaluate((svg) => Number(svg.getAttribute('viewBox')!.split(' ')[2]));
				expect(box.width / modules, `${key}: px per module`).toBeGreaterThanOrEqual(4);
				// The leader and supervisor links carry the leaders' key (l=) too.
				expect(links[key].length).toBeLessThanOrEqual(key === 'member' || key === 'observer' ? 160 : 184);
			}
			await page.screenshot({ path: `${SHOTS}/links-${media}-${width}x${height}.png`, fullPage: true });
		}
		await page.emulateMedia({ media: 'screen' });
		await context.close();
	}

	// A browser in Denmark that asks for English, and one in the US.
	for (const [languages, pattern] of [
		['en,da-DK', /until \d{1,2} [A-Z][a-z]+ \d{4}\./],
		['en-US', /until [A-Z][a-z]+ \d{1,2}, \d{4}\./]
	] as const) {
		const context = await browser.newContext({ locale: languages.split(',')[0] });
		await context.addInitScript((list) => Object.defineProperty(navigator, 'languages', { get: () => list }), languages.split(','));
		const { page } = await createGroup(browser, 'Regional Group', { context });
		await expect(page.getByTestId('group-links'), languages).toContainText(pattern);
		await context.close();
	}
});

test('the conference form lists UTC and the browser’s own zone, also in a browser set to UTC; the notice field shows its whole placeholder', async ({
	browser
}) => {
	for (const zone of ['UTC', 'Asia/Tokyo']) {
		const context = await browser.newContext({ timezoneId: zone });
		const page = await context.newPage();
		await page.goto(baseUrl() + '/conference');
		const select = page.getByTestId('time-zone');
		await expect(select).toHaveValue(zone);
		const options = await select.locator('option').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
		expect(options[0]).toBe('UTC');
		expect(options).toContain(zone);
		expect(options).toContain('Europe/Stockholm');
		expect(new Set(options).size).toBe(options.length);
		expect(options.length).toBeGreaterThan(300);
		await expect(select.locator('option:checked')).toHaveText(zone === 'UTC' ? 'UTC (coordinated universal time)' : 'Asia/Tokyo (this browser’s time zone)');
		if (zone === 'UTC') await expectAccessible(page, 'the conference form');

		// A conference planned in the browser's own zone, created and shown in it.
		await page.getByTestId('conference-name').fill(`Days in ${zone}`);
		await page.getByTestId('session-start').first().fill('2031-03-10T09:00');
		await page.getByTestId('conference-groups').fill('Group North: Astrid');
		await page.getByTestId('create-conference').click();
		await expect(page).toHaveURL(/\/organiser#t=/);
		// The page's own marker is gone from the address: the organiser link is as signed.
		await expect(page).not.toHaveURL(/fresh/);
		await expect(page.getByTestId('handout-group')).toContainText(`${zone}`);
		await expect(page.getByTestId('handout-group')).toContainText(/Monday,? 10 March 2031 at 09:00/);
		await expect(page.getByTestId('organiser-link-keep')).toBeVisible();
		const qr = (await page.getByTestId('handout-link').first().locator('svg.qr').boundingBox())!;
		expect(qr.width).toBeGreaterThanOrEqual(240);

		// The notice field: wide enough for its placeholder, with its hint below.
		const fits = await page.getByTestId('notice-text').evaluate((input) => {
			const field = input as HTMLInputElement;
			const style = getComputedStyle(field);
			const g = document.createElement('canvas').getContext('2d')!;
			g.font = `${style.fontSize} ${style.fontFamily}`;
			const inner = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
			return g.measureText(field.placeholder).width <= inner;
		});
		expect(fits).toBe(true);
		await expect(page.locator('#notice-hint')).toHaveText('Shown at once to the leaders of every group in session; kept nowhere.');
		if (zone === 'UTC') {
			await page.screenshot({ path: `${SHOTS}/organiser-1280.png`, fullPage: true });
			await expectAccessible(page, 'the organiser page');
		}
		await context.close();
	}
});
