import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { expect, test, baseUrl, createGroup, watchErrors } from './fixtures';

/**
 * The landing page's hand-out of a new group: each role's link with a QR code that a phone
 * reads as exactly that link, a copy button that copies it, a print view with the links and
 * codes but no buttons; and a language picked by the person changes every word.
 */
const jsQR = readFileSync(createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js'), 'utf8');
const KEYS = ['leader', 'coLeader', 'member', 'observer', 'supervisor'] as const;

test('each link has a QR code that reads as the link, a copy button and a print view', async ({ browser }) => {
	// bypassCSP only so that the test can put the QR reader (jsQR) into the page.
	const context = await browser.newContext({ bypassCSP: true, permissions: ['clipboard-read', 'clipboard-write'] });
	const { page, errors } = await createGroup(browser, 'Printed Group', { context });
	await page.addScriptTag({ content: jsQR });
	for (const key of KEYS) {
		const card = page.getByTestId(`link-${key}`);
		const url = (await card.getAttribute('data-url'))!;
		// The leaders' key (l=) rides in the leader, co-leader and supervisor links only.
		const leaders = key !== 'member' && key !== 'observer';
		expect(url).toMatch(leaders ? /#t=[A-Za-z0-9_-]+&k=[A-Za-z0-9_-]{22}&l=[A-Za-z0-9_-]{22}$/ : /#t=[A-Za-z0-9_-]+&k=[A-Za-z0-9_-]{22}$/);
		expect(url.length, 'a link short enough for a QR code read at arm’s length').toBeLessThanOrEqual(leaders ? 184 : 160);
		// Draw the code as a phone camera would see it and read it back.
		const read = await card.locator('svg.qr').evaluate(async (svg) => {
			const image = new Image();
			image.src = 'data:image/svg+xml;base64,' + btoa(new XMLSerializer().serializeToString(svg));
			await image.decode();
			const canvas = document.createElement('canvas');
			canvas.width = canvas.height = 400;
			const g = canvas.getContext('2d')!;
			g.imageSmoothingEnabled = false;
			g.drawImage(image, 0, 0, 400, 400);
			const pixels = g.getImageData(0, 0, 400, 400);
			return (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR(pixels.data, 400, 400)?.data ?? null;
		});
		expect(read, `the ${key} QR code`).toBe(url);
		await page.getByTestId(`copy-${key}`).click();
		await expect(page.getByTestId(`copy-${key}`)).toHaveText('Copied');
		expect(await page.evaluate(() => navigator.clipboard.readText()), `the copied ${key} link`).toBe(url);
	}
	// A browser that refuses the clipboard: the person is told to copy by hand, not left guessing.
	await page.evaluate(() => {
		navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
	});
	await page.getByTestId('copy-member').click();
	await expect(page.getByTestId('copy-member-failed')).toHaveText('Could not copy: select the link and copy it yourself.');
	await expect(page.getByTestId('copy-member')).toHaveText('Copy');
	// The print view: every link and code, no buttons.
	await page.emulateMedia({ media: 'print' });
	for (const key of KEYS) {
		await expect(page.getByTestId(`link-${key}`)).toBeVisible();
		await expect(page.getByTestId(`link-${key}`).locator('svg.qr')).toBeVisible();
		await expect(page.getByTestId(`copy-${key}`)).toBeHidden();
	}
	expect(errors).toEqual([]);
	await context.close();
});

const messages = (locale: string) => JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8')) as Record<string, string>;

test('the language a person picks changes every word, and the browser’s language is the default', async ({ browser }) => {
	const swedish = await browser.newContext({ locale: 'sv-SE' });
	const page = await swedish.newPage();
	const errors = watchErrors(page);
	await page.goto(baseUrl() + '/');
	await expect(page.locator('h1')).toHaveText('Skapa en grupp');
	await page.locator('#language-top').selectOption('en');
	await expect(page.locator('h1')).toHaveText('Create a group');
	// Every English text on the page (from en.json)…
	const en = messages('en');
	const de = messages('de');
	const lines = async () => new Set((await page.locator('body').innerText()).split('\n').map((l) => l.trim()));
	const englishPage = await lines();
	const shown = Object.keys(en).filter((key) => !key.startsWith('$') && !/[{}]/.test(en[key]!) && englishPage.has(en[key]!));
	expect(shown.length, 'English texts found on the landing page').toBeGreaterThan(5);
	// …is German once German is picked, unless the word is the same in both.
	await page.locator('#language-top').selectOption('de');
	await expect(page.locator('h1')).toHaveText(de['create_title']!);
	await expect(page.locator('html')).toHaveAttribute('lang', 'de');
	const germanPage = await lines();
	for (const key of shown) {
		if (de[key] === en[key]) continue;
		expect(germanPage.has(en[key]!), `"${en[key]}" (${key}) still in English`).toBe(false);
		expect(germanPage.has(de[key]!), `${key} in German`).toBe(true);
	}
	expect(errors).toEqual([]);
	await swedish.close();
});
