import {
	expect,
	test,
	admit,
	baseUrl,
	closeAll,
	createGroup,
	expectAllAgree,
	expectHandQueue,
	expectNoLeaderControls,
	joinAs,
	joinOnPage,
	participant,
	waitingEntry,
	watchErrors,
	type Person,
	type Role
} from './fixtures';
import { startNetCut, type NetCut } from '../support/tcp-relay';

/**
 * A whole Balint session as six people live it, each in their own browser: a leader and a
 * co-leader, three members and an observer. Two cases, listening, hands, a lost connection
 * and the end. After every step every screen must show the same thing.
 */

const LEADER = 'Lena Lindqvist';
const CO_LEADER = 'Kasper Holm';
const ANNA = 'Anna Berg';
const BJORN = 'Björn Dahl';
const CARMEN = 'Carmen Ortiz';
const OBSERVER = 'Olga Petrova';

const ROSTER: Record<string, Role> = {
	[LEADER]: 'leader',
	[CO_LEADER]: 'co-leader',
	[ANNA]: 'member',
	[BJORN]: 'member',
	[CARMEN]: 'member',
	[OBSERVER]: 'observer'
};

let net: NetCut | null = null;
test.afterEach(async () => {
	await net?.close();
	net = null;
});

test('a full two-case session with six people in six browsers', async ({ browser }) => {
	test.setTimeout(120_000);
	const people: Person[] = [];

	// The leader creates the group on the landing page and joins from the leader link.
	const created = await createGroup(browser, 'Tuesday Balint Group');
	const { links } = created;
	const leader: Person = { name: LEADER, page: created.page, context: created.context, errors: created.errors };
	people.push(leader);
	await joinOnPage(leader.page, links.leader, LEADER);
	await expect(leader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await expect(leader.page.getByTestId('lobby-waiting')).toHaveCount(0);

	// The co-leader, arriving while the leader is in, is announced at the leader's door and let in (issue 15).
	const coLeader = await joinAs(browser, links.coLeader, CO_LEADER);
	people.push(coLeader);
	await expect(coLeader.page.getByTestId('lobby-waiting')).toBeVisible();
	await admit(leader.page, CO_LEADER);
	await expect(coLeader.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	await expect(coLeader.page.getByTestId('lobby-waiting')).toHaveCount(0);
	const leaders = [leader, coLeader];
	await expectAllAgree(leaders, { phase: 'gathering', presenter: null, listening: false, roster: { [LEADER]: 'leader', [CO_LEADER]: 'co-leader' } });

	// Carmen's browser reaches the app through a relay, so her network can be taken away later.
	net = await startNetCut(baseUrl());
	const anna = await joinAs(browser, links.member, ANNA);
	const bjorn = await joinAs(browser, links.member, BJORN);
	const carmen = await joinAs(browser, net.via(links.member), CARMEN);
	const olga = await joinAs(browser, links.observer, OBSERVER);
	const members = [anna, bjorn, carmen];
	const guests = [anna, bjorn, carmen, olga];
	people.push(...guests);

	// Everyone else waits in the lobby; both leaders see each of them by name and role.
	for (const guest of guests) {
		await expect(guest.page.getByTestId('lobby-waiting')).toBeVisible();
		await expect(guest.page.getByTestId('phase')).toHaveCount(0);
		await expect(guest.page.getByTestId('participant')).toHaveCount(0);
	}
	for (const l of leaders) {
		await expect(l.page.getByTestId('waiting')).toHaveCount(4);
		for (const guest of guests) {
			await expect(waitingEntry(l.page, guest.name)).toBeVisible();
			await expect(waitingEntry(l.page, guest.name)).toContainText(guest.name);
			await expect(waitingEntry(l.page, guest.name)).toHaveAttribute('data-role', ROSTER[guest.name]!);
		}
	}

	// The leader admits three; the co-leader, with the same powers, admits Carmen.
	await admit(leader.page, ANNA);
	// Her entry goes; the keyboard focus moves on to the next person's "Admit", not to the page's start.
	await expect(waitingEntry(leader.page, ANNA)).toHaveCount(0);
	await expect(leader.page.locator(':focus')).toHaveAttribute('data-testid', 'admit');
	await admit(leader.page, BJORN);
	await admit(coLeader.page, CARMEN);
	await admit(leader.page, OBSERVER);
	// Nobody left: the focus rests on the waiting list's heading.
	await expect(leader.page.getByTestId('waiting')).toHaveCount(0);
	await expect.poll(() => leader.page.evaluate(() => document.activeElement?.tagName)).toBe('H3');
	for (const guest of guests) {
		await expect(guest.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
		await expect(guest.page.getByTestId('lobby-waiting')).toHaveCount(0);
	}
	for (const l of leaders) await expect(l.page.getByTestId('waiting')).toHaveCount(0);

	const state = { roster: ROSTER };
	await expectAllAgree(people, { ...state, phase: 'gathering', presenter: null, listening: false, hands: [] });
	// The observer is shown as an observer on every screen, in words too.
	for (const p of people) await expect(participant(p.page, OBSERVER).locator('.role')).toHaveText('Observer');
	// Members and the observer never see a leader's controls; the observer cannot raise a hand.
	await expectNoLeaderControls(guests);
	await expect(olga.page.getByTestId('raise-hand')).toHaveCount(0);
	for (const m of members) await expect(m.page.getByTestId('raise-hand')).toHaveAttribute('aria-pressed', 'false');

	// Opening, then the case call.
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'opening', presenter: null, listening: false });
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: null, listening: false });

	// Hands: Anna, then Björn; the queue keeps the order of raising.
	await anna.page.getByTestId('raise-hand').click();
	await expect(anna.page.getByTestId('raise-hand')).toHaveAttribute('aria-pressed', 'true');
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: null, listening: false, hands: [ANNA] });
	await bjorn.page.getByTestId('raise-hand').click();
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: null, listening: false, hands: [ANNA, BJORN] });
	for (const l of leaders) await expectHandQueue(l.page, [ANNA, BJORN]);
	// The button toggles: Anna lowers her own hand, then raises it again, behind Björn now.
	await anna.page.getByTestId('raise-hand').click();
	await expect(anna.page.getByTestId('raise-hand')).toHaveAttribute('aria-pressed', 'false');
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: null, listening: false, hands: [BJORN] });
	await anna.page.getByTestId('raise-hand').click();
	await expect(anna.page.getByTestId('raise-hand')).toHaveAttribute('aria-pressed', 'true');
	for (const l of leaders) await expectHandQueue(l.page, [BJORN, ANNA]);
	// The leader lowers Björn's hand.
	await participant(leader.page, BJORN).getByTestId('lower-hand').click();
	await expect(bjorn.page.getByTestId('raise-hand')).toHaveAttribute('aria-pressed', 'false');
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: null, listening: false, hands: [ANNA] });
	for (const l of leaders) await expectHandQueue(l.page, [ANNA]);

	// The leader chooses Anna to present; choosing her takes her hand down. The button she
	// pressed gives way to the listening controls, which take the focus.
	await participant(leader.page, ANNA).getByTestId('make-presenter').click();
	await expect(participant(leader.page, ANNA).getByTestId('toggle-listening')).toBeFocused();
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: ANNA, listening: false, hands: [] });
	await expect(anna.page.getByTestId('presenter-note')).toHaveText('You are presenting this case.');
	for (const p of people.filter((p) => p !== anna)) await expect(p.page.getByTestId('presenter-note')).toHaveCount(0);

	// Presentation, questions, reflection: in reflection Anna listens, on every screen.
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'presentation', presenter: ANNA, listening: false });
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'questions', presenter: ANNA, listening: false });
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'reflection', presenter: ANNA, listening: true, hands: [] });
	await expect(anna.page.getByTestId('presenter-note')).toContainText('You are listening now');
	await expectNoLeaderControls(guests);

	// While listening, the presenter has no hand to raise (the server would refuse it too:
	// tests/server and the rules); the other members still do.
	await expect(anna.page.getByTestId('raise-hand')).toBeDisabled();
	await expect(anna.page.getByTestId('raise-hand')).toHaveAttribute('aria-pressed', 'false');
	await expect(bjorn.page.getByTestId('raise-hand')).toBeEnabled();
	await expectAllAgree(people, { ...state, phase: 'reflection', presenter: ANNA, listening: true, hands: [] });

	// The leader moves Anna out of listening by hand, and back in.
	const toggle = participant(leader.page, ANNA).getByTestId('toggle-listening');
	await expect(toggle).toHaveAttribute('aria-pressed', 'true');
	await toggle.click();
	await expectAllAgree(people, { ...state, phase: 'reflection', presenter: ANNA, listening: false });
	await expect(toggle).toHaveAttribute('aria-pressed', 'false');
	await expect(anna.page.getByTestId('presenter-note')).toHaveText('You are presenting this case.');
	await expect(anna.page.getByTestId('raise-hand')).toBeEnabled();
	await toggle.click();
	await expectAllAgree(people, { ...state, phase: 'reflection', presenter: ANNA, listening: true });

	// The co-leader invites Anna back: return, nobody listening.
	await coLeader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'return', presenter: ANNA, listening: false });

	// A second case: the jump to the case call clears the presenter everywhere.
	await expect(leader.page.getByTestId('phase-banner')).toContainText('Case 1');
	await leader.page.getByTestId('second-case').click();
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: null, listening: false });
	for (const p of people) await expect(p.page.getByTestId('phase-banner')).toContainText('Case 2');
	await expect(anna.page.getByTestId('presenter-note')).toHaveCount(0);

	// The co-leader chooses Björn; the leader steers the rest, by "next" and by a jump.
	await participant(coLeader.page, BJORN).getByTestId('make-presenter').click();
	await expectAllAgree(people, { ...state, phase: 'case-call', presenter: BJORN, listening: false });
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'presentation', presenter: BJORN, listening: false });
	await leader.page.locator('[data-testid="set-phase"][data-phase="reflection"]').click();
	await expectAllAgree(people, { ...state, phase: 'reflection', presenter: BJORN, listening: true });
	await expect(bjorn.page.getByTestId('presenter-note')).toContainText('You are listening now');
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'return', presenter: BJORN, listening: false });
	await expect(bjorn.page.getByTestId('presenter-note')).toContainText('You are invited back');
	await leader.page.getByTestId('next-phase').click();
	await expectAllAgree(people, { ...state, phase: 'closing', presenter: BJORN, listening: false });
	// At the closing the main action is ending the session, in people's words; there is no "next".
	await expect(leader.page.getByTestId('next-phase')).toHaveCount(0);
	await expect(leader.page.getByTestId('end-session')).toHaveCount(1);
	await expect(leader.page.getByTestId('end-session')).toBeInViewport();
	await leader.page.screenshot({ path: test.info().outputPath('closing-leader.png') });
	await expectNoLeaderControls(guests);

	// Carmen's network goes silently (black hole; Chromium's offline mode alone keeps an open
	// WebSocket alive): only the server's heartbeat can tell, and everyone else sees her away.
	const others = people.filter((p) => p !== carmen);
	await carmen.context.setOffline(true);
	net.cut('silent');
	for (const p of others) await expect(participant(p.page, CARMEN)).toHaveAttribute('data-connected', 'false');
	// The network comes back: she is in the room again as herself, without a new admission.
	net.restore();
	await carmen.context.setOffline(false);
	for (const p of people) await expect(participant(p.page, CARMEN)).toHaveAttribute('data-connected', 'true');
	await expect(carmen.page.getByTestId('lobby-waiting')).toHaveCount(0);
	await expect(carmen.page.getByTestId('reconnecting')).toHaveCount(0);
	for (const l of leaders) await expect(l.page.getByTestId('waiting')).toHaveCount(0);
	await expectAllAgree(people, { ...state, phase: 'closing', presenter: BJORN, listening: false });

	// A hard drop this time: her own screen says it is reconnecting, the others see her away.
	await carmen.context.setOffline(true);
	net.cut('reset');
	await expect(carmen.page.getByTestId('reconnecting')).toBeVisible();
	for (const p of others) await expect(participant(p.page, CARMEN)).toHaveAttribute('data-connected', 'false');
	net.restore();
	await carmen.context.setOffline(false);
	await expect(carmen.page.getByTestId('reconnecting')).toHaveCount(0);
	for (const p of people) await expect(participant(p.page, CARMEN)).toHaveAttribute('data-connected', 'true');
	for (const l of leaders) await expect(l.page.getByTestId('waiting')).toHaveCount(0);
	await expectAllAgree(people, { ...state, phase: 'closing', presenter: BJORN, listening: false });

	// The end, confirmed: every screen says so and the room is gone from every page.
	await leader.page.getByTestId('end-session').click();
	await leader.page.getByTestId('confirm-end-session').click();
	for (const p of people) {
		await expect(p.page.getByTestId('session-ended')).toBeVisible();
		await expect(p.page.getByTestId('room')).toHaveCount(0);
		await expect(p.page.getByTestId('participant')).toHaveCount(0);
	}

	// The links stay valid: opening the member link again is a fresh session's join form and lobby.
	const again = await anna.context.newPage();
	watchErrors(again, anna.errors);
	await again.goto(links.member);
	await expect(again.getByTestId('display-name')).toBeVisible();
	await joinOnPage(again, null, ANNA);
	await expect(again.getByTestId('lobby-waiting')).toBeVisible();
	// The leader comes back to a new session: gathering, nobody but herself, Anna waiting.
	const leaderAgain = await leader.context.newPage();
	watchErrors(leaderAgain, leader.errors);
	await joinOnPage(leaderAgain, links.leader, LEADER);
	await expectAllAgree([leaderAgain], { phase: 'gathering', presenter: null, listening: false, roster: { [LEADER]: 'leader' }, hands: [] });
	await expect(waitingEntry(leaderAgain, ANNA)).toBeVisible();
	await expect(leaderAgain.getByTestId('phase-banner')).not.toContainText('Case 2');

	for (const p of people) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll(people);
});

test('a member whose network was down when the session ended is told so on return', async ({ browser }) => {
	const { links, context: creatorContext } = await createGroup(browser, 'Away Group');
	await creatorContext.close();
	const leader = await joinAs(browser, links.leader, LEADER);
	await expect(leader.page.getByTestId('phase')).toBeVisible();
	net = await startNetCut(baseUrl());
	const anna = await joinAs(browser, net.via(links.member), ANNA);
	await admit(leader.page, ANNA);
	await expect(anna.page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');

	// Anna's network drops; while she is away the leader ends the session.
	await anna.context.setOffline(true);
	net.cut('reset');
	await expect(participant(leader.page, ANNA)).toHaveAttribute('data-connected', 'false');
	await leader.page.getByTestId('end-session').click();
	await leader.page.getByTestId('confirm-end-session').click();
	await expect(leader.page.getByTestId('session-ended')).toBeVisible();

	// Back online: the calm closing page, not a lobby of a session that is not hers.
	net.restore();
	await anna.context.setOffline(false);
	await expect(anna.page.getByTestId('session-ended')).toBeVisible();
	await expect(anna.page.getByTestId('lobby-waiting')).toHaveCount(0);
	for (const p of [leader, anna]) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll([leader, anna]);
});

test('leaving asks first, and tells the presenter that the group would lose its presenter', async ({ browser }) => {
	const { links, context: creatorContext } = await createGroup(browser, 'Leaving Group');
	await creatorContext.close();
	const leader = await joinAs(browser, links.leader, LEADER);
	const anna = await joinAs(browser, links.member, ANNA);
	const bjorn = await joinAs(browser, links.member, BJORN);
	for (const name of [ANNA, BJORN]) await admit(leader.page, name);
	await participant(leader.page, ANNA).getByTestId('make-presenter').click();
	const roster = { [LEADER]: 'leader', [ANNA]: 'member', [BJORN]: 'member' } as const;
	await expectAllAgree([leader, anna, bjorn], { phase: 'gathering', presenter: ANNA, listening: false, roster });

	// The presenter is told what leaving would do; Cancel changes nothing.
	await anna.page.getByTestId('leave').click();
	await expect(anna.page.getByRole('alertdialog')).toContainText('You are presenting the case');
	await anna.page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
	await expect(anna.page.getByTestId('leave')).toBeFocused();
	await expectAllAgree([leader, anna, bjorn], { phase: 'gathering', presenter: ANNA, listening: false, roster });

	// Another member gets the plain question; leaving takes effect only once confirmed.
	await bjorn.page.getByTestId('leave').click();
	await expect(bjorn.page.getByRole('alertdialog')).toContainText('Leave this session?');
	await expect(bjorn.page.getByRole('alertdialog')).not.toContainText('presenting');
	await bjorn.page.getByTestId('confirm-leave').click();
	await expect(bjorn.page.getByTestId('left')).toBeVisible();
	await expect(bjorn.page.getByTestId('left').getByRole('heading', { level: 1 })).toBeFocused();
	await expect(participant(leader.page, BJORN)).toHaveCount(0);

	await anna.page.getByTestId('leave').click();
	await anna.page.getByTestId('confirm-leave').click();
	await expect(anna.page.getByTestId('left')).toBeVisible();
	await expect(participant(leader.page, ANNA)).toHaveCount(0);
	await expect(leader.page.getByTestId('phase-banner')).not.toContainText(ANNA);

	for (const p of [leader, anna, bjorn]) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll([leader, anna, bjorn]);
});

test('a member who arrives before the leaders is told nobody is there yet, and then that a leader is', async ({ browser }) => {
	const { links, context: creatorContext } = await createGroup(browser, 'Early Group');
	await creatorContext.close();
	const anna = await joinAs(browser, links.member, ANNA);
	const text = anna.page.getByTestId('lobby-text');
	await expect(text).toHaveAttribute('data-leader-present', 'false');
	await expect(text).toHaveText('No leader is here yet. When one arrives, they will let you in. You can keep this page open.');
	await expect(text).toHaveAttribute('role', 'status');
	const leader = await joinAs(browser, links.leader, LEADER);
	await expect(text).toHaveAttribute('data-leader-present', 'true');
	await expect(text).toHaveText('The leader will let you in shortly. You can keep this page open.');
	await admit(leader.page, ANNA);
	await expectAllAgree([leader, anna], { phase: 'gathering', presenter: null, listening: false, roster: { [LEADER]: 'leader', [ANNA]: 'member' } });
	for (const p of [leader, anna]) expect(p.errors, `errors on ${p.name}'s screen`).toEqual([]);
	await closeAll([leader, anna]);
});

test('a member whose page cannot reach the server is told so, in the lobby too, and gets in once it answers', async ({ browser }) => {
	const { links, context: creatorContext } = await createGroup(browser, 'Patchy Group');
	await creatorContext.close();
	const leader = await joinAs(browser, links.leader, LEADER);
	const context = await browser.newContext();
	const page = await context.newPage();
	const errors = watchErrors(page);
	// The sync socket passes through the test, which can cut it.
	let socket: { close(options?: { code?: number; reason?: string }): Promise<void> } | null = null;
	await page.routeWebSocket(/\/sync\//, (ws) => {
		ws.connectToServer();
		socket = ws;
	});
	await page.goto(links.member);
	// The server cannot be reached for tickets: the page keeps trying and says so.
	await page.route('**/api/tickets', (route) => route.abort('internetdisconnected'));
	await joinOnPage(page, null, ANNA);
	await expect(page.getByTestId('still-trying')).toHaveText(
		'Still trying to reach the server. Check your internet connection; this page keeps trying by itself.'
	);
	await page.unroute('**/api/tickets');
	await expect(page.getByTestId('lobby-waiting')).toBeVisible();
	await expect(page.getByTestId('still-trying')).toHaveCount(0);

	// In the lobby the connection drops and cannot come back for a while: said there too.
	await page.route('**/api/tickets', (route) => route.abort('internetdisconnected'));
	await socket!.close({ code: 4503, reason: 'session closed' });
	await expect(page.getByTestId('still-trying')).toBeVisible();
	await expect(page.getByTestId('lobby-waiting')).toBeVisible();
	await page.unroute('**/api/tickets');
	await expect(page.getByTestId('still-trying')).toHaveCount(0);
	await admit(leader.page, ANNA);
	await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'gathering');
	// The browser reports the aborted ticket requests itself; anything else is an app error.
	expect(errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
	await closeAll([leader]);
	await context.close();
});
