import { expect, test, joinPage } from './fixtures';
import { readFileSync } from 'node:fs';

/**
 * A conference organiser in the browser: three groups created at once, leaders and members
 * joining from their links, the live overview following them, help, notices, end-all.
 */
test('an organiser runs three groups from the overview', async ({ browser }) => {
	const base = process.env.E2E_BASE_URL!;
	const organiserContext = await browser.newContext({ acceptDownloads: true, timezoneId: 'America/New_York' });
	// Everything the organiser's browser sends to the server and every API answer, to show
	// that no media key ever passes through it.
	const traffic: string[] = [];
	const bodies: Promise<void>[] = [];
	organiserContext.on('request', (r) => traffic.push(`${r.url()} ${r.postData() ?? ''}`));
	organiserContext.on('response', (r) => {
		if (new URL(r.url()).pathname.startsWith('/api/'))
			bodies.push(
				r.text().then(
					(text) => void traffic.push(text),
					() => undefined
				)
			);
	});
	// The overview socket's frames, both ways, too.
	organiserContext.on('page', (page) =>
		page.on('websocket', (ws) => {
			ws.on('framesent', (f) => traffic.push(String(f.payload)));
			ws.on('framereceived', (f) => traffic.push(String(f.payload)));
		})
	);
	const organiser = await organiserContext.newPage();
	await organiser.goto(base + '/');
	await organiser.getByTestId('conference-link').click();
	await organiser.getByTestId('conference-name').fill('Balint Days 2027');
	await organiser.getByTestId('time-zone').selectOption('Europe/Stockholm');
	await organiser.getByTestId('session-start').first().fill('2027-03-10T09:00');
	await organiser.getByTestId('add-session').click();
	await organiser.getByTestId('session-start').nth(1).fill('2027-03-11T14:00');
	await organiser.getByTestId('conference-groups').fill('Group North: Astrid\nGroup South\nGroup West');
	await organiser.getByTestId('create-conference').click();

	await expect(organiser).toHaveURL(/\/organiser#t=/);
	const rows = organiser.getByTestId('overview-group');
	await expect(rows).toHaveCount(3);
	await expect(organiser.getByTestId('overview-status')).toHaveAttribute('data-connected', 'true');
	const groups = organiser.getByTestId('handout-group');
	await expect(groups.first()).toContainText('Astrid');
	// Session times are shown in the conference's zone, whatever the organiser's own.
	await expect(groups.first()).toContainText('9:00');
	const link = async (index: number, role: string) =>
		(await groups.nth(index).locator(`[data-testid="handout-link"][data-role="${role}"]`).getAttribute('data-url'))!;
	const groupId = async (index: number) => (await groups.nth(index).getAttribute('data-group-id'))!;
	const row = async (index: number) => organiser.locator(`[data-testid="overview-group"][data-group-id="${await groupId(index)}"]`);

	// Every group has its own media key, the same in its four links, made in the organiser's
	// browser from the secret in the organiser link's fragment: never sent, never answered.
	const keyOf = (url: string) => new URLSearchParams(new URL(url).hash.slice(1)).get('k') ?? '';
	const keys = await Promise.all([0, 1, 2].map(async (i) => keyOf(await link(i, 'leader'))));
	expect(new Set(keys).size).toBe(3);
	for (const [i, key] of keys.entries()) {
		expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		for (const role of ['coLeader', 'member', 'observer']) expect(keyOf(await link(i, role))).toBe(key);
	}
	const secret = keyOf(organiser.url());
	expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
	await organiser.reload();
	await expect(organiser.getByTestId('overview-group')).toHaveCount(3);
	expect(keyOf(await link(0, 'member')), 'the same keys after a reload').toBe(keys[0]);
	await Promise.all(bodies);
	expect(traffic.length).toBeGreaterThan(5);
	expect(
		traffic.some((t) => t.includes('"type":"overview"')),
		'overview frames were recorded'
	).toBe(true);
	for (const secretPart of [secret, ...keys])
		expect(
			traffic.filter((t) => t.includes(secretPart)),
			'traffic carrying a media key'
		).toEqual([]);

	// Hand-outs: the CSV has all twelve links; the calendar file has both sessions in UTC.
	const csvDownload = organiser.waitForEvent('download');
	await organiser.getByTestId('download-csv').click();
	const csv = readFileSync((await (await csvDownload).path())!, 'utf8');
	expect(csv.trim().split('\n')).toHaveLength(13);
	expect(csv).toContain(await link(2, 'observer'));
	const icsDownload = organiser.waitForEvent('download');
	await groups.nth(0).getByTestId('download-ics').click();
	const ics = readFileSync((await (await icsDownload).path())!, 'utf8');
	expect(ics).toContain('DTSTART:20270310T080000Z');
	expect(ics).toContain('DTSTART:20270311T130000Z');

	const leaderNorth = await joinPage(browser, await link(0, 'leader'), 'Astrid');
	const memberNorth = await joinPage(browser, await link(0, 'member'), 'Nils');
	const leaderSouth = await joinPage(browser, await link(1, 'leader'), 'Sune');
	await leaderNorth.locator('[data-testid="waiting"][data-name="Nils"] [data-testid="admit"]').click();
	await expect(await row(0)).toHaveAttribute('data-members', '1');
	await expect(await row(0)).toHaveAttribute('data-leader', 'true');
	await expect(await row(1)).toHaveAttribute('data-leader', 'true');
	await expect(await row(2)).toHaveAttribute('data-live', 'false');
	await expect(organiser.getByTestId('overview')).not.toContainText('Nils');

	await leaderNorth.getByTestId('next-phase').click();
	await expect(await row(0)).toHaveAttribute('data-phase', 'opening');
	await leaderSouth.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
	await expect(await row(1)).toHaveAttribute('data-phase', 'reflection');

	await leaderSouth.getByTestId('ask-help').click();
	await expect(await row(1)).toHaveAttribute('data-help', 'true');
	await expect(await row(0)).toHaveAttribute('data-help', 'false');

	await organiser.getByTestId('notice-text').fill('Plenary in 10 minutes');
	await organiser.getByTestId('send-notice').click();
	for (const leader of [leaderNorth, leaderSouth]) await expect(leader.getByTestId('organiser-notice')).toContainText('Plenary in 10 minutes');
	await expect(memberNorth.getByTestId('organiser-notice')).toHaveCount(0);

	await organiser.getByTestId('end-all').click();
	await organiser.getByTestId('confirm-end-all').click();
	for (const page of [leaderNorth, memberNorth, leaderSouth]) await expect(page.getByTestId('session-ended')).toBeVisible();
	await expect(await row(0)).toHaveAttribute('data-live', 'false');
	await expect(await row(1)).toHaveAttribute('data-live', 'false');

	for (const page of [organiser, leaderNorth, memberNorth, leaderSouth]) await page.context().close();
});

test('while the overview is disconnected the organiser cannot send a notice or end all, and it says so', async ({ browser, request }) => {
	const base = process.env.E2E_BASE_URL!;
	const created = await request.post(`${base}/api/conferences`, {
		data: { name: 'Offline Days', timeZone: 'UTC', sessions: [{ start: '2031-01-01T09:00:00Z', minutes: 90 }], groups: [{ name: 'Only group' }] }
	});
	const { organiserLink } = (await created.json()) as { organiserLink: string };
	const page = await (await browser.newContext()).newPage();
	// The overview socket passes through the test, which can drop it and keep it down.
	let down = false;
	let current: { close(): Promise<void> } | null = null;
	await page.routeWebSocket(/\/overview\//, (ws) => {
		if (down) return void ws.close();
		ws.connectToServer();
		current = ws;
	});
	await page.goto(organiserLink);
	const status = page.getByTestId('overview-status');
	await expect(status).toHaveAttribute('data-connected', 'true');
	await page.getByTestId('notice-text').fill('Plenary in 10 minutes');
	await expect(page.getByTestId('send-notice')).toBeEnabled();
	await expect(page.getByTestId('end-all')).toBeEnabled();

	down = true;
	await current!.close();
	await expect(status).toHaveAttribute('data-connected', 'false');
	await expect(page.getByTestId('send-notice')).toBeDisabled();
	await expect(page.getByTestId('end-all')).toBeDisabled();
	// Pressing Enter in the notice field sends nothing either, and the text stays.
	await page.getByTestId('notice-text').press('Enter');
	await expect(page.getByTestId('notice-text')).toHaveValue('Plenary in 10 minutes');

	down = false;
	await expect(status).toHaveAttribute('data-connected', 'true');
	await page.getByTestId('send-notice').click();
	await expect(page.getByTestId('notice-sent')).toHaveText('Groups whose leaders got it: 0.');
	await expect(page.getByTestId('notice-text')).toHaveValue('');
	await page.context().close();
});
