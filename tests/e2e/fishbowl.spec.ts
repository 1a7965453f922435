import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { DEMO_OBSERVERS } from '../../src/lib/session/fishbowl';
import { expectSeesAndHears, liveCaptures, participantId, recordPeerConnections } from '../support/media-probe';
import { socketPerson, type SocketPerson } from '../support/socket-person';
import { autoplayLaunchOptions, startLiveKitApp } from './livekit-app';
import {
	admit,
	attr,
	baseUrl,
	closeAll,
	expect,
	expectAllAgree,
	joinAs,
	joinOnPage,
	participant,
	test,
	watchErrors,
	type Links,
	type Person,
	type Role
} from './fixtures';

/**
 * The workshop fishbowl in real browsers: a demonstration group made on the landing page, its
 * working group (two leaders, three members) in the gallery, its observers (browsers, and more
 * as sockets) a count on every screen and never a face, admitted at once; then a leader's
 * invitation to try, a member link as a QR code that opens the join form.
 */
const SHOTS = '/tmp/shots-fishbowl';
const SHOTS_2 = '/tmp/shots-fishbowl-2';

async function createDemoGroup(browser: Browser, name: string): Promise<{ links: Links; creator: Person }> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const errors = watchErrors(page);
	await page.goto(baseUrl() + '/');
	await page.getByTestId('group-name').fill(name);
	await page.getByTestId('demo-group').check();
	await page.getByTestId('create-group').click();
	await expect(page.getByTestId('demo-group-made')).toBeVisible();
	const links = {} as Links;
	for (const key of ['leader', 'coLeader', 'member', 'observer'] as const) links[key] = (await page.getByTestId(`link-${key}`).getAttribute('data-url'))!;
	return { links, creator: { name: 'creator', page, context, errors } };
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
		`serious/critical axe violations on ${screen}`
	).toEqual([]);
}

const gallery = (page: Page) => page.locator('[data-testid="participant"]');

test('a fishbowl: the working group in the gallery, 12 observers a count on every screen, admitted at once, and a QR code that invites them to try', async ({
	browser
}) => {
	test.setTimeout(180_000);
	mkdirSync(SHOTS, { recursive: true });
	const { links, creator } = await createDemoGroup(browser, 'Workshop Fishbowl');
	await creator.context.close();

	const laptop = { viewport: { width: 1366, height: 850 } };
	const lena = await joinAs(browser, links.leader, 'Lena Leader', laptop);
	await expect(lena.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	const carl = await joinAs(browser, links.coLeader, 'Carl Co', laptop);
	// Arriving after Lena, the co-leader is announced at her door and let in (issue 15).
	await admit(lena.page, 'Carl Co');
	await expect(carl.page.getByTestId('phase')).toBeVisible();
	const members: Person[] = [];
	for (const name of ['Anna Berg', 'Bo Dahl', 'Cai Ek']) members.push(await joinAs(browser, links.member, name));
	const observers: Person[] = [];
	for (const name of ['Olga One', 'Otto Two', 'Olle Three', 'Oda Four']) observers.push(await joinAs(browser, links.observer, name));
	// One observer on a phone: the count and the faces fit there too.
	observers.push(await joinAs(browser, links.observer, 'Ola Phone', { viewport: { width: 390, height: 844 } }));
	const sockets: SocketPerson[] = [];
	for (let i = 1; i <= 7; i++) sockets.push(await socketPerson(baseUrl(), links.observer, `Watcher ${i}`));
	const everyone = [lena, carl, ...members, ...observers];
	for (const person of [...members, ...observers]) await expect(person.page.getByTestId('lobby-waiting')).toBeVisible();

	// The leaders see the observers as one count with one button, not as twelve rows; the members one by one.
	const waitingObservers = lena.page.getByTestId('waiting-observers');
	await expect(waitingObservers).toHaveAttribute('data-count', '12');
	await expect(lena.page.locator('[data-testid="waiting"]:visible')).toHaveCount(3);
	await expect(lena.page.getByTestId('waiting-count')).toHaveAttribute('data-count', '15');
	await lena.page.screenshot({ path: `${SHOTS}/leader-waiting.png` });
	await waitingObservers.locator('summary').click();
	await expect(waitingObservers.locator('[data-testid="waiting"][data-role="observer"]')).toHaveCount(12);
	await lena.page.getByTestId('admit-all-observers').click();
	await expect(waitingObservers).toHaveCount(0);
	for (const name of ['Anna Berg', 'Bo Dahl', 'Cai Ek']) await admit(lena.page, name);

	// Every screen: the five of the working group in the gallery, no observer among them, and "12 watching".
	for (const person of everyone) {
		await expect(gallery(person.page), `${person.name}'s gallery`).toHaveCount(5);
		await expect(person.page.locator('[data-testid="participant"][data-role="observer"]')).toHaveCount(0);
		await expect(person.page.getByTestId('watching-count'), `${person.name}'s count`).toHaveAttribute('data-count', '12');
	}
	await expect(lena.page.getByTestId('leader-panel').getByTestId('watching-count')).toHaveText(/12 watching/);
	await expect(observers[0]!.page.getByTestId('observer-note')).toBeVisible();
	// Observers have nothing to press: no hand, no case.
	await expect(observers[0]!.page.getByTestId('raise-hand')).toHaveCount(0);

	// Observers follow the phase, the presenter and the listening like everyone, in words too;
	// every gallery holds exactly the working group.
	const roster: Record<string, Role> = { 'Lena Leader': 'leader', 'Carl Co': 'co-leader', 'Anna Berg': 'member', 'Bo Dahl': 'member', 'Cai Ek': 'member' };
	await participant(lena.page, 'Anna Berg').getByTestId('make-presenter').click();
	await lena.page.locator(`[data-testid="set-phase"]${attr('data-phase', 'reflection')}`).click();
	await expectAllAgree(everyone, { phase: 'reflection', presenter: 'Anna Berg', listening: true, roster });
	await observers[0]!.page.screenshot({ path: `${SHOTS}/observer-laptop.png` });
	await observers[4]!.page.screenshot({ path: `${SHOTS}/observer-phone.png`, fullPage: true });
	await lena.page.screenshot({ path: `${SHOTS}/leader-room.png` });

	// Two go: the count follows on every screen.
	sockets[0]!.close();
	await observers[3]!.context.close();
	for (const person of [lena, carl, members[0]!, observers[0]!]) await expect(person.page.getByTestId('watching-count')).toHaveAttribute('data-count', '10');

	await expectAccessible(observers[0]!.page, "an observer's room");
	await expectAccessible(lena.page, "the leader's room");

	// From watching to trying: the member link as a large QR code on the leader's screen.
	await lena.page.getByTestId('invite-observers').click();
	const invite = lena.page.getByTestId('invite-qr');
	await expect(invite).toBeVisible();
	await expect(invite.getByRole('img')).toBeVisible();
	const box = await invite.getByRole('img').boundingBox();
	expect(box!.width, 'a QR code to read from across the room').toBeGreaterThan(400);
	await lena.page.screenshot({ path: `${SHOTS}/leader-invite-qr.png` });
	await expectAccessible(lena.page, 'the invitation');
	const url = (await invite.getAttribute('data-url'))!;
	expect(url).toMatch(/\/room#t=[^&]+&k=/);

	// An observer scans it: the join form, as a member; they wait; a leader lets them in for the next round.
	const tove = await browser.newContext();
	const tovePage = await tove.newPage();
	const toveErrors = watchErrors(tovePage);
	await tovePage.goto(url);
	await expect(tovePage.getByTestId('display-name')).toBeVisible();
	await joinOnPage(tovePage, null, 'Tove Trier');
	await expect(tovePage.getByTestId('lobby-waiting')).toBeVisible();
	await lena.page.getByTestId('close-invite').click();
	await expect(invite).toHaveCount(0);
	await expect(lena.page.getByTestId('invite-observers')).toBeFocused();
	await expect(lena.page.locator(`[data-testid="waiting"]${attr('data-name', 'Tove Trier')}`)).toHaveAttribute('data-role', 'member');
	await admit(lena.page, 'Tove Trier');
	await expect(tovePage.locator(`[data-testid="participant"]${attr('data-name', 'Tove Trier')}`)).toHaveAttribute('data-role', 'member');
	await expect(gallery(observers[0]!.page)).toHaveCount(6);
	await expect(tovePage.getByTestId('watching-count')).toHaveAttribute('data-count', '10');
	await expect(tovePage.getByTestId('raise-hand')).toBeVisible();

	for (const s of sockets) s.close();
	for (const person of [...everyone.filter((p) => p !== observers[3]), { name: 'Tove Trier', errors: toveErrors }])
		expect(person.errors, `${person.name}'s page errors`).toEqual([]);
	await closeAll([...everyone.filter((p) => p !== observers[3]), tove]);
});

test('a plain group shows its observers as faces and no count', async ({ browser }) => {
	const response = await fetch(`${baseUrl()}/api/groups`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Plain' })
	});
	const { links } = (await response.json()) as { links: Links };
	const lena = await joinAs(browser, links.leader, 'Lena Leader');
	const olga = await joinAs(browser, links.observer, 'Olga Observer');
	await expect(lena.page.locator('[data-testid="waiting"]')).toHaveCount(1);
	await expect(lena.page.getByTestId('waiting-observers')).toHaveCount(0);
	await admit(lena.page, 'Olga Observer');
	for (const person of [lena, olga]) {
		await expect(person.page.locator('[data-testid="participant"][data-role="observer"]')).toHaveCount(1);
		await expect(person.page.getByTestId('watching-count')).toHaveCount(0);
	}
	await expect(lena.page.getByTestId('invite-observers')).toHaveCount(0);
	await closeAll([lena, olga]);
});

async function createDemoByApi(name: string): Promise<Links> {
	const response = await fetch(`${baseUrl()}/api/groups`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, demo: true })
	});
	return ((await response.json()) as { links: Links }).links;
}

test('a leader removes a watcher from "Who is watching" (40 names, at 1366x768 and on a phone); the count drops on every screen; the 41st watcher is told the places are taken', async ({
	browser
}) => {
	test.setTimeout(180_000);
	mkdirSync(SHOTS_2, { recursive: true });
	const links = await createDemoByApi('Workshop Remove');
	const lena = await joinAs(browser, links.leader, 'Lena Leader', { viewport: { width: 1366, height: 768 } });
	await expect(lena.page.getByTestId('phase')).toBeVisible();
	const carl = await joinAs(browser, links.coLeader, 'Carl Co', { viewport: { width: 390, height: 844 } });
	await admit(lena.page, 'Carl Co');
	await expect(carl.page.getByTestId('phase')).toBeVisible();
	const anna = await joinAs(browser, links.member, 'Anna Berg');
	const olga = await joinAs(browser, links.observer, 'Olga Observer');
	const otto = await joinAs(browser, links.observer, 'Otto Observer');
	const sockets: SocketPerson[] = [];
	for (let i = 1; i <= DEMO_OBSERVERS - 2; i++) sockets.push(await socketPerson(baseUrl(), links.observer, `Watcher ${String(i).padStart(2, '0')}`));
	for (const person of [anna, olga, otto]) await expect(person.page.getByTestId('lobby-waiting')).toBeVisible();
	await admit(lena.page, 'Anna Berg');
	await expect(lena.page.getByTestId('waiting-observers')).toHaveAttribute('data-count', String(DEMO_OBSERVERS));
	await lena.page.getByTestId('admit-all-observers').click();
	const everyone = [lena, carl, anna, olga, otto];
	for (const person of everyone) await expect(person.page.getByTestId('watching-count')).toHaveAttribute('data-count', String(DEMO_OBSERVERS));

	// The 41st: the page says the watchers' places are taken, in words, not a lobby that never opens.
	const late = await joinAs(browser, links.observer, 'Lars Late');
	await expect(late.page.getByTestId('failed')).toContainText('All the places for watchers in this workshop are taken');
	await late.page.screenshot({ path: `${SHOTS_2}/watcher-41st.png` });

	// 40 names, folded by default; open, they scroll inside the list and "Next" stays where it was.
	for (const [leader, screen] of [
		[lena, 'laptop'],
		[carl, 'phone']
	] as const) {
		const list = leader.page.getByTestId('watchers');
		const next = leader.page.getByTestId('next-phase');
		await expect(list).toHaveAttribute('data-count', String(DEMO_OBSERVERS));
		await expect(list.getByTestId('watcher').first()).toBeHidden();
		const before = await next.boundingBox();
		await list.locator('summary').click();
		await expect(list.getByTestId('watcher')).toHaveCount(DEMO_OBSERVERS);
		await expect(next).toBeInViewport();
		expect(await next.boundingBox(), `${screen}: "Next" did not move`).toEqual(before);
		const scroller = list.locator('ul');
		const { scrollHeight, clientHeight } = await scroller.evaluate((el) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
		expect(scrollHeight, `${screen}: the names scroll inside the list`).toBeGreaterThan(clientHeight);
		expect(clientHeight).toBeLessThan(leader.page.viewportSize()!.height / 2);
		await list.getByTestId('watcher').nth(20).scrollIntoViewIfNeeded();
		await leader.page.screenshot({ path: `${SHOTS_2}/watchers-${screen}.png` });
	}
	await expectAccessible(lena.page, 'the open list of watchers');
	await expectAccessible(carl.page, 'the open list of watchers on a phone');

	// Remove asks first, then Otto is out: his page says so, every count drops to 39.
	const ottoRow = lena.page.locator(`[data-testid="watcher"]${attr('data-name', 'Otto Observer')}`);
	await ottoRow.getByTestId('remove').click();
	await expect(ottoRow.getByRole('alertdialog')).toContainText('Otto Observer');
	await lena.page.screenshot({ path: `${SHOTS_2}/watchers-remove-confirm-laptop.png` });
	await ottoRow.getByTestId('confirm-remove').click();
	await expect(otto.page.getByTestId('removed')).toContainText('You are no longer in the room');
	await otto.page.screenshot({ path: `${SHOTS_2}/watcher-removed.png` });
	for (const person of [lena, carl, anna, olga])
		await expect(person.page.getByTestId('watching-count')).toHaveAttribute('data-count', String(DEMO_OBSERVERS - 1));
	await expect(lena.page.getByTestId('watchers').getByTestId('watcher')).toHaveCount(DEMO_OBSERVERS - 1);
	await expect(carl.page.getByTestId('watchers').getByTestId('watcher')).toHaveCount(DEMO_OBSERVERS - 1);
	await expect(ottoRow).toHaveCount(0);
	await carl.page.screenshot({ path: `${SHOTS_2}/watchers-after-remove-phone.png` });

	for (const s of sockets) s.close();
	for (const person of [...everyone, late]) expect(person.errors, `${person.name}'s page errors`).toEqual([]);
	await closeAll([...everyone, late]);
});

/** What the page has sent so far, over every peer connection: outbound RTP bytes, audio and video. */
function bytesSent(page: Page): Promise<number> {
	return page.evaluate(async () => {
		let sent = 0;
		for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
			const stats = await pc.getStats();
			stats.forEach((r: Record<string, unknown>) => {
				if (r.type === 'outbound-rtp') sent += Number(r.bytesSent ?? 0);
			});
		}
		return sent;
	});
}

// Received audio has energy only while it is played: headless Chromium plays it without a click.
test.use({ launchOptions: autoplayLaunchOptions() });

test('with the real LiveKit: observers of a fishbowl see and hear the working group, send nothing, open no device, and LiveKit lists them with no track', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const media = await startLiveKitApp('fishbowl');
	const { livekit } = media;
	const people: Person[] = [];
	try {
		const { id, links } = await media.createGroup('Media Fishbowl', { demo: true });
		const group = { id };
		const enter = async (url: string, name: string) => {
			const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
			await recordPeerConnections(context);
			const page = await context.newPage();
			const person = { name, page, context, errors: watchErrors(page) };
			people.push(person);
			await joinOnPage(page, url, name);
			return person;
		};
		const lea = await enter(links.leader, 'Lea Leader');
		await expect(lea.page.getByTestId('phase')).toBeVisible();
		const anna = await enter(links.member, 'Anna Member');
		const bo = await enter(links.member, 'Bo Member');
		const olle = await enter(links.observer, 'Olle Observer');
		const oda = await enter(links.observer, 'Oda Observer');
		for (const name of ['Anna Member', 'Bo Member']) await admit(lea.page, name);
		await lea.page.getByTestId('admit-all-observers').click();
		for (const person of people) {
			await person.page.getByTestId('enter-room').click();
			await expect(person.page.getByTestId('e2ee-status')).toHaveAttribute('data-encrypted', 'true', { timeout: 30_000 });
		}
		const ids = new Map<string, string>();
		for (const person of [lea, anna, bo]) ids.set(person.name, await participantId(olle.page, person.name));
		for (const observer of [olle, oda]) {
			// The working group's faces, and theirs only.
			await expect(observer.page.getByTestId('video-tile')).toHaveCount(3);
			await expect(observer.page.getByTestId('watching-count')).toHaveAttribute('data-count', '2');
			for (const id of ids.values()) await expectSeesAndHears(observer.page, id);
		}
		// The observers' pages send nothing and hold no microphone or camera open, measured over a while.
		const before = await Promise.all([olle, oda].map((o) => bytesSent(o.page)));
		await olle.page.waitForTimeout(2000);
		const after = await Promise.all([olle, oda].map((o) => bytesSent(o.page)));
		expect(after, 'RTP bytes the observers sent').toEqual([0, 0]);
		expect(before).toEqual([0, 0]);
		for (const observer of [olle, oda]) {
			expect(await liveCaptures(observer.page, 'audio'), `${observer.name}'s microphone`).toBe(0);
			expect(await liveCaptures(observer.page, 'video'), `${observer.name}'s camera`).toBe(0);
		}
		// The publishers do send: the measure can see sending at all.
		expect(await bytesSent(anna.page)).toBeGreaterThan(0);
		// LiveKit's own list: all five in the media room, the observers with no track.
		const inRoom = await livekit.rooms.listParticipants(`balint-${group.id}`);
		expect(inRoom).toHaveLength(5);
		const watcherIds = new Set(inRoom.filter((p) => p.name.startsWith('O')).map((p) => p.identity));
		expect(watcherIds.size).toBe(2);
		for (const p of inRoom) if (watcherIds.has(p.identity)) expect(p.tracks, `${p.name}'s tracks at LiveKit`).toEqual([]);
		for (const person of people) expect(person.errors, `${person.name}'s page errors`).toEqual([]);
	} finally {
		await closeAll(people);
		await media.stop();
	}
});
