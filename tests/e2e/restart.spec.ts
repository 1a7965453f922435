import type { Page } from '@playwright/test';
import { expect, test, joinPage } from './fixtures';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../support/server-process';

/**
 * The server is killed mid-session and started again on the same port: the clients
 * reconnect by themselves and the leader's replica restores phase, presenter and listening.
 */
test('after a server crash the leaders’ replica restores the session', async ({ browser, request }) => {
	const dataDir = mkdtempSync(join(tmpdir(), 'balint-restart-'));
	let server: ServerProcess = await startServer({ DATA_DIR: dataDir });
	try {
		const created = await request.post(`${server.url}/api/groups`, { data: { name: 'Restart group' } });
		const { links } = (await created.json()) as { links: Record<string, string> };
		const leader = await joinPage(browser, links.leader!, 'Rita Leader');
		const member = await joinPage(browser, links.member!, 'Mads Member');
		await leader.locator('[data-testid="waiting"][data-name="Mads Member"] [data-testid="admit"]').click();
		await leader.locator('[data-testid="participant"][data-name="Mads Member"] [data-testid="make-presenter"]').click();
		await leader.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
		const presenterEntry = (page: Page) => page.locator('[data-testid="participant"][data-name="Mads Member"]');
		await expect(presenterEntry(member)).toHaveAttribute('data-listening', 'true');

		await server.stop('SIGKILL');
		await expect(leader.getByTestId('reconnecting')).toBeVisible();
		server = await startServer({ DATA_DIR: dataDir, PORT: String(server.port) });

		for (const page of [leader, member]) {
			await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'reflection', { timeout: 15_000 });
			await expect(presenterEntry(page)).toHaveAttribute('data-presenter', 'true');
			await expect(presenterEntry(page)).toHaveAttribute('data-listening', 'true');
			await expect(presenterEntry(page)).toHaveAttribute('data-connected', 'true');
			await expect(page.getByTestId('reconnecting')).toHaveCount(0);
		}
		// The restored session keeps working.
		await leader.getByTestId('next-phase').click();
		await expect(member.getByTestId('phase')).toHaveAttribute('data-phase', 'return');
		await expect(presenterEntry(member)).toHaveAttribute('data-listening', 'false');
		for (const page of [leader, member]) await page.context().close();
	} finally {
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
