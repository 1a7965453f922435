import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';

/**
 * One person in the browser: their own browser context, their link, the join form, a leader
 * letting them in. Shared by the browser tests (through fixtures.ts) and the benchmarks.
 */

export interface Person {
	name: string;
	page: Page;
	context: BrowserContext;
	/** Uncaught page errors and console errors seen so far (see `watchErrors`). */
	errors: string[];
}

/** `[attr="value"]` with the value quoted safely for CSS. */
export function attr(name: string, value: string): string {
	return `[${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
}

/**
 * Records uncaught errors and console errors on a page. The browser's own network line for
 * an answered 4xx ("Failed to load resource: … status of 401") is not an app error: a refused
 * link is answered that way on purpose.
 */
export function watchErrors(page: Page, errors: string[] = []): string[] {
	page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() !== 'error') return;
		const text = message.text();
		if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
		errors.push(`console: ${text}`);
	});
	return errors;
}

/** Fills the join form on a page that is already open (or opens `url` on it first). */
export async function joinOnPage(page: Page, url: string | null, name: string): Promise<void> {
	if (url) await page.goto(url);
	await page.getByTestId('display-name').fill(name);
	await page.getByTestId('accept-ground-rules').check();
	await page.getByTestId('join').click();
}

/** Opens a NEW browser context for one person, opens their link and joins with their name. */
export async function joinAs(browser: Browser, url: string, name: string, options: BrowserContextOptions = {}): Promise<Person> {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	const errors = watchErrors(page);
	await joinOnPage(page, url, name);
	return { name, page, context, errors };
}

/** The same, when only the page is wanted. */
export async function joinPage(browser: Browser, url: string, name: string, options: BrowserContextOptions = {}): Promise<Page> {
	return (await joinAs(browser, url, name, options)).page;
}

/**
 * A leader (or co-leader) admits a waiting person by name: from the waiting list, or (a leader held
 * at the door while another leader is in, issue 15) from the announcement at the top of the cockpit.
 */
export async function admit(leaderPage: Page, name: string): Promise<void> {
	const who = attr('data-name', name);
	await leaderPage.locator(`[data-testid="waiting"]${who} [data-testid="admit"], [data-testid="leader-arriving"]${who} [data-testid="admit"]`).click();
}
