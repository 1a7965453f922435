import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect, joinOnPage, watchErrors, type Person } from './fixtures';

/*
 * Helpers for the browser tests of what only leaders may know (case-call.spec.ts,
 * leader-channel.spec.ts): a person whose every received WebSocket frame is kept, to be
 * searched afterwards, and an axe check of one part of a screen.
 */

export interface Listening extends Person {
	/** Every frame this page's sockets received, text as is and binary as latin1. */
	frames: string[];
}

/** Opens a new context, starts recording every frame its sockets receive, then joins. */
export async function joinListening(browser: Browser, url: string, name: string): Promise<Listening> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const errors = watchErrors(page);
	const frames: string[] = [];
	page.on('websocket', (ws) => {
		ws.on('framereceived', ({ payload }) => frames.push(typeof payload === 'string' ? payload : payload.toString('latin1')));
	});
	await joinOnPage(page, url, name);
	return { name, page, context, errors, frames };
}

/** The text frames that parse as JSON control messages. */
export function controlMessages(person: Listening): { type: string; [key: string]: unknown }[] {
	return person.frames.flatMap((f) => {
		try {
			const parsed = JSON.parse(f) as unknown;
			return parsed && typeof parsed === 'object' && 'type' in parsed ? [parsed as { type: string }] : [];
		} catch {
			return [];
		}
	});
}

/** No serious or critical axe violation inside `selector`. */
export async function expectAccessibleIn(page: Page, selector: string, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations in ${screen}`
	).toEqual([]);
}
