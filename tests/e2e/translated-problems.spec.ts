import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, WebSocketRoute } from '@playwright/test';
import { expect, test, admit, baseUrl, closeAll, createGroup, joinAs, joinOnPage, participant, waitingEntry, watchErrors, type Person } from './fixtures';

/**
 * Every word on screen is in the reader's language, problems included: the server refuses
 * with a code and an English message for scripts, and the page shows only the code's
 * translation. Each browser here speaks German (`de-DE`); every check looks for the German
 * text from messages/de.json and for the absence of the English one.
 */

const read = (locale: string) => JSON.parse(readFileSync(join(process.cwd(), 'messages', `${locale}.json`), 'utf8')) as Record<string, string>;
const de = read('de');
const en = read('en');
const GERMAN = { locale: 'de-DE' } as const;

/** The message as shown: placeholders filled. */
function text(messages: Record<string, string>, key: string, values: Record<string, string | number> = {}): string {
	const message = messages[key];
	if (!message) throw new Error(`no message ${key}`);
	return message.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

/** Passes every sync socket of a page through, keeping the latest for the test to act on. */
async function watchSockets(page: Page): Promise<{ latest: () => { page: WebSocketRoute; server: WebSocketRoute } }> {
	let latest: { page: WebSocketRoute; server: WebSocketRoute } | null = null;
	await page.routeWebSocket(/\/sync\//, (ws) => {
		latest = { page: ws, server: ws.connectToServer() };
	});
	return {
		latest: () => {
			if (!latest) throw new Error('no sync socket yet');
			return latest;
		}
	};
}

test('a refused name, a refusal at the door and a removal are told in German', async ({ browser }) => {
	const { links, context: creatorContext } = await createGroup(browser, 'Sprachgruppe');
	await creatorContext.close();
	const leader = await joinAs(browser, links.leader, 'Lena Leitung', GERMAN);
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');

	// An invisible character in the name (a zero-width space): the server refuses it with its
	// English "A name may not contain control characters."; the person is back at the form.
	const bo = await joinAs(browser, links.member, 'Bo\u200bBerg', GERMAN);
	await expect(bo.page.getByRole('alert')).toHaveText(de.problem_name_invalid!);
	await expect(bo.page.getByTestId('display-name')).toBeVisible();
	await expect(bo.page.locator('body')).not.toContainText('control characters');
	await bo.page.getByTestId('display-name').fill('Bo Berg');
	await bo.page.getByTestId('accept-ground-rules').check();
	await bo.page.getByTestId('join').click();
	await expect(bo.page.getByTestId('lobby-waiting')).toBeVisible();

	const dana = await joinAs(browser, links.member, 'Dana Draußen', GERMAN);
	const people: Person[] = [leader, bo, dana];
	await expect(dana.page.getByTestId('lobby-waiting')).toBeVisible();
	await waitingEntry(leader.page, 'Dana Draußen').getByTestId('decline').click();
	await expect(dana.page.getByTestId('declined')).toContainText(de.declined_text!);
	await expect(dana.page.getByTestId('declined')).not.toContainText(en.declined_text!);

	await admit(leader.page, 'Bo Berg');
	await expect(bo.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await participant(leader.page, 'Bo Berg').getByTestId('person-menu').click();
	await participant(leader.page, 'Bo Berg').getByTestId('remove').click();
	await expect(leader.page.getByRole('alertdialog')).toContainText(text(de, 'remove_confirm_text', { name: 'Bo Berg' }));
	await leader.page.getByTestId('confirm-remove').click();
	await expect(bo.page.getByTestId('removed')).toContainText(de.removed_text!);
	await expect(bo.page.getByTestId('removed')).not.toContainText(en.removed_text!);
	// The removed screen keeps nothing of the room: no roster, no names, no group name.
	await expect(bo.page.getByTestId('room')).toHaveCount(0);
	await expect(bo.page.locator('body')).not.toContainText('Lena Leitung');
	await expect(bo.page.locator('body')).not.toContainText('Sprachgruppe');

	for (const p of people) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll(people);
});

/** A new group, and its leader in the room in a German browser whose sockets the test can reach. */
async function germanLeader(browser: Browser, groupName: string) {
	const { links, context: creatorContext } = await createGroup(browser, groupName);
	await creatorContext.close();
	const context = await browser.newContext(GERMAN);
	const page = await context.newPage();
	const errors = watchErrors(page);
	const sockets = await watchSockets(page);
	await joinOnPage(page, links.leader, 'Lena Leitung');
	await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	return { links, context, page, errors, sockets };
}

test('a message the server cannot read closes the connection with a German explanation', async ({ browser }) => {
	const { context, page, errors, sockets } = await germanLeader(browser, 'Kaputte Nachricht');

	// A broken frame on this page's socket: the real server closes it (4400, "malformed message").
	sockets.latest().server.send('{"type":');
	const failed = page.getByTestId('failed');
	await expect(failed).toContainText(de.problem_malformed!);
	await expect(failed).not.toContainText('malformed');
	await expect(page.getByTestId('room')).toHaveCount(0);
	expect(errors).toEqual([]);
	await context.close();
});

test('a leader’s click while the connection is down is not lost in silence', async ({ browser }) => {
	const { links, context, page, errors, sockets } = await germanLeader(browser, 'Wackelige Leitung');
	// A member keeps the session alive while the leader is away.
	const mia = await joinAs(browser, links.member, 'Mia Mitglied', GERMAN);
	await admit(page, 'Mia Mitglied');
	await expect(mia.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');

	// The leader's connection drops and cannot come back for now (no ticket can be fetched).
	await page.route('**/api/tickets', (route) => route.abort('internetdisconnected'));
	await sockets.latest().page.close({ code: 4503, reason: 'session closed' });
	await expect(page.getByTestId('reconnecting')).toHaveText(de.status_reconnecting!);

	await page.getByTestId('next-phase').click();
	const refusal = page.getByTestId('refusal');
	await expect(refusal).toHaveAttribute('data-code', 'not-connected');
	await expect(refusal).toHaveText(de['refused_not-connected']!);

	// Back again: the click was not applied behind anyone's back, and the next one works.
	await page.unroute('**/api/tickets');
	await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
	// The "not sent" line described the outage: it goes with it.
	await expect(page.getByTestId('refusal')).toHaveCount(0);
	await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await expect(mia.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await page.getByTestId('next-phase').click();
	await expect(page.getByTestId('refusal')).toHaveCount(0);
	await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');
	await expect(mia.page.getByTestId('phase')).toHaveAttribute('data-phase', 'opening');

	// The browser reports the aborted ticket requests itself; anything else is an app error.
	expect(errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
	expect(mia.errors).toEqual([]);
	await closeAll([context, mia]);
});

test('the group form checks the planned length and speaks German', async ({ browser }) => {
	const context = await browser.newContext(GERMAN);
	const page = await context.newPage();
	const errors = watchErrors(page);
	const posts: string[] = [];
	page.on('request', (request) => {
		if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/groups') posts.push(request.postData() ?? '');
	});
	await page.goto(baseUrl() + '/');

	const name = page.getByTestId('group-name');
	const minutes = page.getByTestId('planned-minutes');
	await expect(minutes).toHaveAttribute('type', 'number');
	await expect(minutes).toHaveAttribute('min', '15');
	await expect(minutes).toHaveAttribute('max', '600');
	await expect(minutes).toHaveAttribute('required', '');

	// No name: a German hint, nothing sent.
	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('group-name-problem')).toHaveText(de.group_name_required!);
	await expect(name).toBeFocused();

	// An empty length used to go out as 0 and come back in the server's English.
	await name.fill('Dienstagsgruppe');
	await minutes.fill('');
	await page.getByTestId('create-group').click();
	const problem = page.getByTestId('planned-minutes-problem');
	await expect(problem).toHaveText(text(de, 'planned_minutes_invalid', { min: 15, max: 600 }));
	await expect(minutes).toHaveAttribute('aria-invalid', 'true');
	await expect(minutes).toHaveAttribute('aria-describedby', 'planned-minutes-problem');
	await expect(minutes).toBeFocused();
	for (const wrong of ['5', '601', '90.5']) {
		// Put right first, so that each wrong value has to bring the hint back by itself.
		await minutes.fill('90');
		await expect(problem).toHaveCount(0);
		await minutes.fill(wrong);
		await page.getByTestId('create-group').click();
		await expect(problem, wrong).toBeVisible();
		await expect(minutes, wrong).toHaveAttribute('aria-invalid', 'true');
	}
	expect(posts, 'nothing is sent while the form is wrong').toEqual([]);

	// A refusal from the server is shown translated, never as its English message.
	await minutes.fill('75');
	await expect(problem).toHaveCount(0);
	await page.route('**/api/groups', (route) =>
		route.fulfill({
			status: 503,
			contentType: 'application/json',
			body: JSON.stringify({ error: { code: 'busy', message: 'The server is busy. Try again in a moment.' } })
		})
	);
	await page.getByTestId('create-group').click();
	const refused = page.getByTestId('create-problem');
	await expect(refused).toHaveText(text(de, 'create_failed', { reason: de.problem_busy! }));
	await expect(refused).not.toContainText('busy');

	await page.unroute('**/api/groups');
	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('group-links')).toBeVisible();
	expect(posts.map((p) => JSON.parse(p) as { plannedMinutes: number }).map((p) => p.plannedMinutes)).toEqual([75, 75]);
	// The browser's own network line for the played-back 503 is not an app error.
	expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
	await context.close();
});

test('a conference’s hand-out gives session lengths in German', async ({ browser }) => {
	const context = await browser.newContext(GERMAN);
	const page = await context.newPage();
	const errors = watchErrors(page);
	await page.goto(baseUrl() + '/conference');
	await page.getByTestId('conference-name').fill('Balint-Tage');
	await page.getByTestId('time-zone').selectOption('Europe/Berlin');
	await page.getByTestId('session-start').first().fill('2031-03-10T09:00');
	await page.getByTestId('conference-groups').fill('Gruppe Nord: Astrid');

	// The server's refusal, translated (here: the organiser key it asks for).
	await page.route('**/api/conferences', (route) =>
		route.fulfill({
			status: 401,
			contentType: 'application/json',
			body: JSON.stringify({ error: { code: 'organiser-key-required', message: 'Creating groups needs the organiser key.' } })
		})
	);
	await page.getByTestId('create-conference').click();
	const refused = page.getByTestId('create-problem');
	await expect(refused).toHaveText(text(de, 'create_conference_failed', { reason: de.problem_organiser_key! }));
	await expect(refused).not.toContainText('organiser key');
	await page.unroute('**/api/conferences');

	await page.getByTestId('create-conference').click();
	const sheet = page.getByTestId('handout-group').first();
	await expect(sheet).toContainText(`(${text(de, 'handout_minutes', { minutes: 90 })})`);
	await expect(sheet).not.toContainText('90 min)');
	expect(errors).toEqual([]);
	await context.close();
});

test('the conference form says what is missing in German, field by field, and sends nothing until it is right', async ({ browser }) => {
	const context = await browser.newContext(GERMAN);
	const page = await context.newPage();
	const errors = watchErrors(page);
	const posts: string[] = [];
	page.on('request', (request) => {
		if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/conferences') posts.push(request.postData() ?? '');
	});
	await page.goto(baseUrl() + '/conference');
	const problems = page.getByTestId('field-problem');
	const create = page.getByTestId('create-conference');

	// Everything empty: one German line per field, the first wrong field focused.
	await page.getByTestId('members-per-group').fill('');
	await create.click();
	await expect(problems).toHaveText([
		de.conference_name_required!,
		de.session_start_required!,
		de.groups_required!,
		text(de, 'members_per_group_invalid', { min: 1, max: 16 })
	]);
	await expect(page.getByTestId('conference-name')).toBeFocused();
	await expect(page.getByTestId('conference-name')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('conference-name')).toHaveAttribute('aria-describedby', 'conference-name-problem');

	// Each line goes as its field is put right; a wrong length or size is named too.
	await page.getByTestId('conference-name').fill('Balint-Tage');
	await page.getByTestId('session-start').first().fill('2031-03-10T09:00');
	await page.getByTestId('session-minutes').first().fill('5');
	await page.getByTestId('members-per-group').fill('17');
	await create.click();
	await expect(problems).toHaveText([
		text(de, 'planned_minutes_invalid', { min: 15, max: 600 }),
		de.groups_required!,
		text(de, 'members_per_group_invalid', { min: 1, max: 16 })
	]);
	await expect(page.getByTestId('session-minutes').first()).toBeFocused();
	for (const [field, value] of [
		['session-minutes', '90'],
		['members-per-group', '8']
	] as const)
		await page.getByTestId(field).first().fill(value);
	await page.getByTestId('conference-groups').fill('Gruppe Nord: Astrid');
	await expect(problems).toHaveCount(0);
	expect(posts, 'nothing is sent while the form is wrong').toEqual([]);
	for (const english of [en.conference_name_required, en.groups_required]) await expect(page.locator('body')).not.toContainText(english!);

	await create.click();
	await expect(page.getByTestId('handout-group')).toHaveCount(1);
	expect(posts.map((p) => JSON.parse(p) as { membersPerGroup: number; sessions: { minutes: number }[] })).toEqual([
		expect.objectContaining({ membersPerGroup: 8, sessions: [expect.objectContaining({ minutes: 90 })] })
	]);
	expect(errors).toEqual([]);
	await context.close();
});
