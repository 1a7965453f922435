import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Signer } from '../../src/lib/server/links';
import { alterLinkFacts, forgeLinkMac as forgeSignature, withoutLinkMac } from '../support/link-tokens';
import { cleanup, fragmentOf, LINK_SECRET, startServer, tokenOf } from './harness';
import type { ApiErrorAnswer, CreatedGroup } from '../../src/lib/sync/api-types';

/** The JSON API through a real HTTP server: groups, link inspection, tickets. */
afterEach(cleanup);

const ROLES = { leader: 'leader', coLeader: 'co-leader', member: 'member', observer: 'observer', supervisor: 'supervisor' } as const;

function expectError(res: { status: number; json: unknown; headers: Record<string, unknown> }, status: number, code: string) {
	expect(res.status).toBe(status);
	expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
	const body = res.json as ApiErrorAnswer;
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(5);
}

/** A token whose facts are replaced but keep the old signature. */
function alterPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
	return alterLinkFacts(token, (facts) => change(facts as unknown as Record<string, unknown>));
}

describe('POST /api/groups', () => {
	it('creates a group: 201, five full links with t= and k= in the fragment, a fresh media key each time', async () => {
		const s = await startServer();
		const res = await s.post('/api/groups', { name: '  Thursday Balint group  ' });
		expect(res.status).toBe(201);
		expect(res.headers['cache-control']).toBe('no-store');
		const body = res.json as CreatedGroup;
		expect(body.group).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), name: 'Thursday Balint group', plannedMinutes: 90 });
		expect(Object.keys(body.links).sort()).toEqual(['coLeader', 'leader', 'member', 'observer', 'supervisor']);
		expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now() + 100 * 86400_000);
		const keys = new Set<string>();
		for (const [key, link] of Object.entries(body.links)) {
			const url = new URL(link);
			expect(url.origin).toBe(s.base);
			expect(url.pathname).toBe('/room');
			expect(url.search).toBe('');
			const { t, k } = fragmentOf(link);
			// The compact form: one base64url word, short enough for a QR code a phone reads at arm's length.
			expect(t).toMatch(/^[A-Za-z0-9_-]{60,120}$/);
			expect(k).toMatch(/^[A-Za-z0-9_-]{22}$/);
			keys.add(k);
			// The token itself says which role the link is for.
			const inspected = await s.post('/api/links/inspect', { token: t });
			expect(inspected.status).toBe(200);
			expect(inspected.json.role).toBe(ROLES[key as keyof typeof ROLES]);
			expect(inspected.json.group).toMatchObject({ id: body.group.id, name: 'Thursday Balint group', plannedMinutes: 90 });
		}
		// One media key per answer, the same in all five links.
		expect(keys.size).toBe(1);
		const again = (await s.post('/api/groups', { name: 'Another' })).json as CreatedGroup;
		expect(fragmentOf(again.links.member).k).not.toBe(fragmentOf(body.links.member).k);
		expect(again.group.id).not.toBe(body.group.id);
	});

	it("echoes the caller's media key in every link's fragment, and keeps plannedMinutes", async () => {
		const s = await startServer();
		const mediaKey = 'Ab_-'.repeat(8);
		const res = await s.post('/api/groups', { name: 'Keyed', mediaKey, plannedMinutes: 120 });
		expect(res.status).toBe(201);
		expect(res.json.group.plannedMinutes).toBe(120);
		for (const link of Object.values((res.json as CreatedGroup).links)) expect(fragmentOf(link).k).toBe(mediaKey);
	});

	it('refuses bad bodies with a clear 4xx JSON error and creates nothing', async () => {
		const s = await startServer();
		const json = { 'content-type': 'application/json' };
		expectError(await s.request('POST', '/api/groups', '{"name": "unterminated', json), 400, 'malformed-json');
		expectError(
			await s.request('POST', '/api/groups', 'name=Thursday', { 'content-type': 'application/x-www-form-urlencoded' }),
			415,
			'unsupported-media-type'
		);
		expectError(await s.request('POST', '/api/groups', '{"name":"x"}', {}), 415, 'unsupported-media-type');
		const huge = JSON.stringify({ name: 'a', pad: 'p'.repeat(17 * 1024) });
		expectError(await s.request('POST', '/api/groups', huge, json), 413, 'too-large');
		// Without a Content-Length (chunked), the cap is enforced while reading.
		expectError(await s.request('POST', '/api/groups', huge, json, true), 413, 'too-large');
		expectError(await s.post('/api/groups', {}), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: '   ' }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: 42 }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: 'g'.repeat(121) }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: 'Bell\u0007group' }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: 'Line\nbreak' }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: 'Hidden\u200Bmark' }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: 'Ok', mediaKey: 'short' }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', { name: 'Ok', plannedMinutes: 5 }), 400, 'invalid-request');
		expectError(await s.post('/api/groups', ['name']), 400, 'invalid-request');
		expect((await s.post('/api/groups', { name: 'Bell\u0007group' })).json.error.message).toMatch(/control characters/);
		expect((await s.post('/api/groups', { name: 'g'.repeat(121) })).json.error.message).toMatch(/120/);
		// Exactly 120 characters is fine.
		expect((await s.post('/api/groups', { name: 'g'.repeat(120) })).status).toBe(201);
		expectError(await s.request('GET', '/api/nothing-here'), 404, 'not-found');
		expect(s.app.rooms.size).toBe(0);
	});

	it('with ORGANISER_KEY set: 401 without the key or with a wrong one, 201 with it', async () => {
		const key = 'organiser-key-0123456789';
		const s = await startServer({ ORGANISER_KEY: key });
		expectError(await s.post('/api/groups', { name: 'G' }), 401, 'organiser-key-required');
		expectError(await s.post('/api/groups', { name: 'G' }, { authorization: 'Bearer wrong-key-0123456789' }), 401, 'organiser-key-required');
		expectError(await s.post('/api/groups', { name: 'G' }, { authorization: key }), 401, 'organiser-key-required');
		expectError(await s.post('/api/groups', { name: 'G' }, { authorization: `Basic ${key}` }), 401, 'organiser-key-required');
		expectError(await s.post('/api/groups', { name: 'G' }, { authorization: `Bearer ${key}x` }), 401, 'organiser-key-required');
		const ok = await s.post('/api/groups', { name: 'G' }, { authorization: `Bearer ${key}` });
		expect(ok.status).toBe(201);
		expect((await s.request('GET', '/api/config')).json).toEqual({ organiserKeyRequired: true, video: false });
	});

	it('rate-limits group creation (429) and link exchange (429)', async () => {
		// Groups get half the budget: 2 per minute here.
		const s = await startServer({ RATE_LIMIT_PER_MINUTE: '4' });
		expect((await s.post('/api/groups', { name: 'One' })).status).toBe(201);
		const created = (await s.post('/api/groups', { name: 'Two' })).json as CreatedGroup;
		expectError(await s.post('/api/groups', { name: 'Three' }), 429, 'rate-limited');
		const token = tokenOf(created.links.member);
		for (let i = 0; i < 4; i++) expect((await s.post('/api/links/inspect', { token })).status).toBe(200);
		expectError(await s.post('/api/links/inspect', { token }), 429, 'rate-limited');
		expectError(await s.post('/api/tickets', { token, name: 'Mia' }), 429, 'rate-limited');
	});

	it('sends security headers on API answers', async () => {
		const s = await startServer();
		const res = await s.request('GET', '/api/health');
		expect(res.status).toBe(200);
		expect(res.headers['x-content-type-options']).toBe('nosniff');
		expect(res.headers['x-frame-options']).toBe('DENY');
		expect(res.headers['referrer-policy']).toBe('no-referrer');
		expect(res.headers['content-security-policy']).toContain("default-src 'none'");
	});
});

describe('rate limits behind a proxy', () => {
	const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.9, ${address}` });

	it('ignores X-Forwarded-For unless the socket is a trusted proxy', async () => {
		const s = await startServer({ RATE_LIMIT_PER_MINUTE: '4' });
		const token = tokenOf((await s.createGroup('Proxy group')).links.member);
		// A client cannot buy itself a new budget by sending the header.
		for (let i = 0; i < 4; i++) expect((await s.post('/api/links/inspect', { token }, from(`198.51.100.${i}`))).status).toBe(200);
		expectError(await s.post('/api/links/inspect', { token }, from('198.51.100.99')), 429, 'rate-limited');
	});

	it('behind a trusted proxy each client has its own budget', async () => {
		const s = await startServer({ RATE_LIMIT_PER_MINUTE: '4', TRUST_PROXY: '127.0.0.1, ::1' });
		const token = tokenOf((await s.createGroup('Proxy group')).links.member);
		for (let i = 0; i < 4; i++) expect((await s.post('/api/links/inspect', { token }, from('198.51.100.1'))).status).toBe(200);
		expectError(await s.post('/api/links/inspect', { token }, from('198.51.100.1')), 429, 'rate-limited');
		// Another person behind the same proxy is not held back by the first one.
		expect((await s.post('/api/links/inspect', { token }, from('198.51.100.2'))).status).toBe(200);
	});

	it('an IPv6 network counts as one client: a fresh address in the same /64 buys no fresh budget', async () => {
		const s = await startServer({ RATE_LIMIT_PER_MINUTE: '4', TRUST_PROXY: '127.0.0.1, ::1' });
		const token = tokenOf((await s.createGroup('Proxy group')).links.member);
		for (let i = 0; i < 4; i++) expect((await s.post('/api/links/inspect', { token }, from(`2001:db8:1:2::${i + 1}`))).status).toBe(200);
		expectError(await s.post('/api/links/inspect', { token }, from('2001:db8:1:2:ffff::9')), 429, 'rate-limited');
		expect((await s.post('/api/links/inspect', { token }, from('2001:db8:1:3::1'))).status).toBe(200);
	});
});

describe('links: inspect and tickets', () => {
	async function setup(env: Record<string, string> = {}) {
		const s = await startServer(env);
		const created = await s.createGroup('Linked group');
		return { s, created, token: tokenOf(created.links.member) };
	}

	it('inspects a good link: group, role and expiry', async () => {
		const { s, created, token } = await setup();
		const res = await s.post('/api/links/inspect', { token });
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			group: { id: created.group.id, name: 'Linked group', plannedMinutes: 90, inConference: false },
			role: 'member',
			expiresAt: created.expiresAt
		});
	});

	it('refuses forged, altered, expired, malformed and foreign tokens with the right status and code, at inspect and at ticket', async () => {
		const { s, created, token } = await setup();
		const expiredSigner = new Signer(Buffer.from(LINK_SECRET, 'utf8'));
		const expired = expiredSigner.signLink({ g: created.group.id, n: 'Linked group', r: 'member', m: 90, x: Math.floor(Date.now() / 1000) - 60 });
		const foreign = new Signer(Buffer.from('y'.repeat(40), 'utf8')).signLink({
			g: created.group.id,
			n: 'Linked group',
			r: 'leader',
			m: 90,
			x: Math.floor(Date.now() / 1000) + 3600
		});
		// Same secret, future expiry: the control case shows that only the expiry differs.
		const fresh = expiredSigner.signLink({ g: created.group.id, n: 'Linked group', r: 'member', m: 90, x: Math.floor(Date.now() / 1000) + 3600 });
		expect((await s.post('/api/links/inspect', { token: fresh })).status).toBe(200);
		// A link handed out in the JSON form, before the compact one, still opens (and still only as signed).
		const body = Buffer.from(
			JSON.stringify({ k: 'link', g: created.group.id, n: 'Linked group', r: 'member', m: 90, x: Math.floor(Date.now() / 1000) + 3600 })
		);
		const jsonForm = `${body.toString('base64url')}.${createHmac('sha256', Buffer.from(LINK_SECRET, 'utf8')).update(body.toString('base64url')).digest('base64url')}`;
		expect((await s.post('/api/links/inspect', { token: jsonForm })).json).toMatchObject({ role: 'member', group: { id: created.group.id } });
		const leaderJson = Buffer.from(body.toString().replace('"member"', '"leader"')).toString('base64url');
		expect((await s.post('/api/links/inspect', { token: `${leaderJson}.${jsonForm.split('.')[1]}` })).status).toBe(401);

		const cases: [string, unknown, number, string][] = [
			['forged signature', forgeSignature(token), 401, 'link-invalid'],
			['payload raised to leader, old signature', alterPayload(token, (p) => (p.r = 'leader')), 401, 'link-invalid'],
			['expiry extended, old signature', alterPayload(token, (p) => (p.x = (p.x as number) + 86400)), 401, 'link-invalid'],
			['expired', expired, 410, 'link-expired'],
			['another installation', foreign, 401, 'link-invalid'],
			['garbage', 'garbage', 400, 'link-malformed'],
			['signature cut off', withoutLinkMac(token), 400, 'link-malformed'],
			['empty parts', '.', 400, 'link-malformed'],
			['three parts', `${token}.extra.more`, 400, 'link-malformed'],
			['a seat is not a link', expiredSigner.signSeat({ g: created.group.id, p: 'participant-1', n: 'Mia', r: 'leader' }), 400, 'link-malformed'],
			['too long', 'a'.repeat(3000), 400, 'invalid-request'],
			['not a string', 12345, 400, 'invalid-request']
		];
		for (const [what, bad, status, code] of cases) {
			const inspected = await s.post('/api/links/inspect', { token: bad });
			expect([what, inspected.status, inspected.json?.error?.code]).toEqual([what, status, code]);
			const ticket = await s.post('/api/tickets', { token: bad, name: 'Mallory' });
			expect([what, ticket.status, ticket.json?.error?.code]).toEqual([what, status, code]);
			expect(ticket.json.ticket).toBeUndefined();
		}
		expect(s.app.tickets.size).toBe(0);
		expect((await s.post('/api/tickets', { token: jsonForm, name: 'Old Link' })).status).toBe(200);
	});

	it('refuses a ticket without a valid name', async () => {
		const { s, token } = await setup();
		expectError(await s.post('/api/tickets', { token }), 400, 'invalid-request');
		expectError(await s.post('/api/tickets', { token, name: '' }), 400, 'invalid-request');
		expectError(await s.post('/api/tickets', { token, name: 'n'.repeat(61) }), 400, 'invalid-request');
		expectError(await s.post('/api/tickets', { token, name: 'Tab\there' }), 400, 'invalid-request');
		expect(s.app.tickets.size).toBe(0);
		const ok = await s.post('/api/tickets', { token, name: '  Mia  ' });
		expect(ok.status).toBe(200);
		expect(ok.json).toMatchObject({ name: 'Mia', role: 'member', participantId: expect.any(String), seat: expect.any(String), ticket: expect.any(String) });
		expect(s.app.tickets.size).toBe(1);
	});
});
