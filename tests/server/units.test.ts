import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/config';
import { mediaConnectSources, rateKey, withConnectSources } from '../../src/lib/server/http';
import { Signer } from '../../src/lib/server/links';
import { linkFragment } from '../../src/lib/sync/link-fragment';
import { MemoryRateLimiter } from '../../src/lib/server/rate-limit';
import { MemoryTicketStore, type Identity } from '../../src/lib/server/tickets';

/** Pure server parts: configuration, signed links and seats, tickets, the rate limiter, the CSP for video. */

const temps: string[] = [];
function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'balint-config-'));
	temps.push(dir);
	return dir;
}
afterEach(() => {
	for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 's'.repeat(40);

function configError(env: Record<string, string>): ConfigError {
	try {
		loadConfig({ LINK_SECRET: SECRET, ...env });
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return error as ConfigError;
	}
	throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
	it('reads TRUST_PROXY as a list of addresses and refuses anything else', () => {
		expect(loadConfig({ LINK_SECRET: 'x'.repeat(40), TRUST_PROXY: '127.0.0.1, ::1' }).trustedProxies).toEqual(['127.0.0.1', '::1']);
		expect(loadConfig({ LINK_SECRET: 'x'.repeat(40) }).trustedProxies).toEqual([]);
		expect(() => loadConfig({ LINK_SECRET: 'x'.repeat(40), TRUST_PROXY: 'proxy.example.org' })).toThrow(/TRUST_PROXY/);
	});

	it('has a default for everything', () => {
		const config = loadConfig({ LINK_SECRET: SECRET });
		expect(config).toMatchObject({
			port: 3000,
			host: '127.0.0.1',
			publicOrigin: null,
			organiserKey: null,
			linkSecretSource: 'env',
			linkSecretFile: null,
			linkTtlDays: 180,
			ticketTtlSeconds: 30,
			emptyRoomGraceSeconds: 60,
			heartbeatSeconds: 15,
			rateLimitPerMinute: 120,
			logLevel: 'info',
			media: null
		});
		expect(config.linkSecret.equals(Buffer.from(SECRET, 'utf8'))).toBe(true);
		// Empty strings count as unset.
		expect(loadConfig({ LINK_SECRET: SECRET, PORT: '', ORGANISER_KEY: '' })).toMatchObject({ port: 3000, organiserKey: null });
	});

	it('reads good values', () => {
		const config = loadConfig({
			LINK_SECRET: SECRET,
			PORT: ' 8080 ',
			HOST: '0.0.0.0',
			PUBLIC_ORIGIN: 'https://balint.example.org/',
			ORGANISER_KEY: 'k'.repeat(16),
			EMPTY_ROOM_GRACE_SECONDS: '0',
			LIVEKIT_URL: 'https://media.example.org',
			LIVEKIT_API_KEY: 'APIkey',
			LIVEKIT_API_SECRET: 'l'.repeat(32)
		});
		expect(config).toMatchObject({
			port: 8080,
			host: '0.0.0.0',
			publicOrigin: 'https://balint.example.org',
			organiserKey: 'k'.repeat(16),
			emptyRoomGraceSeconds: 0,
			media: { url: 'wss://media.example.org', apiKey: 'APIkey', apiSecret: 'l'.repeat(32) }
		});
	});

	it('stops on a bad value with an error that names the variable', () => {
		const cases: [Record<string, string>, string][] = [
			[{ PORT: 'abc' }, 'PORT'],
			[{ PORT: '70000' }, 'PORT'],
			[{ PORT: '-1' }, 'PORT'],
			[{ PORT: '80.5' }, 'PORT'],
			[{ ORGANISER_KEY: 'short' }, 'ORGANISER_KEY'],
			[{ PUBLIC_ORIGIN: 'not a url' }, 'PUBLIC_ORIGIN'],
			[{ PUBLIC_ORIGIN: 'https://balint.example.org/room' }, 'PUBLIC_ORIGIN'],
			[{ PUBLIC_ORIGIN: 'ftp://balint.example.org' }, 'PUBLIC_ORIGIN'],
			[{ LINK_SECRET: 'too-short' }, 'LINK_SECRET'],
			[{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
			[{ TICKET_TTL_SECONDS: '1' }, 'TICKET_TTL_SECONDS'],
			[{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
			[{ SOCKET_MESSAGES_PER_SECOND: '0' }, 'SOCKET_MESSAGES_PER_SECOND'],
			[{ SOCKET_MESSAGE_BURST: 'lots' }, 'SOCKET_MESSAGE_BURST'],
			[{ SOCKET_SEND_BUFFER_KB: '1' }, 'SOCKET_SEND_BUFFER_KB'],
			[{ LIVEKIT_URL: 'wss://media.example.org' }, 'LIVEKIT_API_KEY']
		];
		for (const [env, name] of cases) {
			const error = configError(env);
			expect([name, error.message]).toEqual([name, expect.stringContaining(name)]);
		}
		// Only the bad one is named.
		expect(configError({ PORT: 'abc' }).message).not.toContain('ORGANISER_KEY');
		expect(configError({ ORGANISER_KEY: 'short' }).message).toContain('at least 16');
	});

	it('creates the signing key file with mode 0600 in DATA_DIR and reuses it on the next load', () => {
		const dir = join(tempDir(), 'nested', 'data');
		const first = loadConfig({ DATA_DIR: dir });
		const file = join(dir, 'link-signing-key');
		expect(first.linkSecretSource).toBe('file');
		expect(first.linkSecretFile).toBe(file);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(dir).mode & 0o077).toBe(0);
		expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
		expect(first.linkSecret).toHaveLength(32);

		const second = loadConfig({ DATA_DIR: dir });
		expect(second.linkSecret.equals(first.linkSecret)).toBe(true);
		// Links signed before the "restart" verify after it.
		const token = new Signer(first.linkSecret).signLink({ g: 'group-0001', n: 'G', r: 'member', m: 90, x: Math.floor(Date.now() / 1000) + 60 });
		expect(new Signer(second.linkSecret).verifyLink(token).ok).toBe(true);
		// Another data dir: another key.
		expect(loadConfig({ DATA_DIR: tempDir() }).linkSecret.equals(first.linkSecret)).toBe(false);
		// LINK_SECRET wins over the file.
		expect(loadConfig({ DATA_DIR: dir, LINK_SECRET: SECRET }).linkSecretSource).toBe('env');
	});

	it('refuses a damaged signing key file instead of replacing it', () => {
		const dir = tempDir();
		writeFileSync(join(dir, 'link-signing-key'), 'not hex\n');
		expect(() => loadConfig({ DATA_DIR: dir })).toThrow(ConfigError);
		expect(readFileSync(join(dir, 'link-signing-key'), 'utf8')).toBe('not hex\n');
	});
});

describe('Signer', () => {
	const signer = new Signer(Buffer.from(SECRET));
	const future = Math.floor(Date.now() / 1000) + 3600;
	const facts = { g: 'group-0001', n: 'Thursday group', r: 'co-leader' as const, m: 90, x: future };

	it('round-trips links and seats', () => {
		const link = signer.verifyLink(signer.signLink(facts));
		expect(link).toEqual({ ok: true, facts: { k: 'link', ...facts } });
		const withConference = signer.verifyLink(signer.signLink({ ...facts, c: 'conference-1' }));
		expect(withConference.ok && withConference.facts.c).toBe('conference-1');
		const seat = signer.verifySeat(signer.signSeat({ g: 'group-0001', p: 'person-0001', n: 'Mia', r: 'member' }));
		expect(seat).toEqual({ ok: true, facts: { k: 'seat', g: 'group-0001', p: 'person-0001', n: 'Mia', r: 'member' } });
		// The same facts always sign to the same token.
		expect(signer.signLink(facts)).toBe(signer.signLink(facts));
	});

	/** A link in the JSON form, as links were signed before the compact form (src/lib/server/links.test.ts). */
	function jsonFormLink(f: Record<string, unknown>): string {
		const body = Buffer.from(JSON.stringify({ k: 'link', ...f })).toString('base64url');
		return `${body}.${createHmac('sha256', Buffer.from(SECRET)).update(body).digest('base64url')}`;
	}

	it('detects tampering, foreign keys, expiry, and mixing token kinds', () => {
		const token = jsonFormLink(facts);
		expect(signer.verifyLink(token)).toEqual(signer.verifyLink(signer.signLink(facts)));
		const [body, mac] = token.split('.') as [string, string];
		const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
		const reBody = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...payload, ...change })).toString('base64url');

		expect(signer.verifyLink(`${reBody({ r: 'leader' })}.${mac}`)).toEqual({ ok: false, problem: 'forged' });
		expect(signer.verifyLink(`${reBody({ x: future + 1 })}.${mac}`)).toEqual({ ok: false, problem: 'forged' });
		for (let i = 0; i < mac.length - 1; i += 7) {
			const flipped = mac.slice(0, i) + (mac[i] === 'A' ? 'B' : 'A') + mac.slice(i + 1);
			expect(signer.verifyLink(`${body}.${flipped}`)).toEqual({ ok: false, problem: 'forged' });
		}
		expect(signer.verifyLink(`${body}.${mac.slice(0, -4)}`)).toEqual({ ok: false, problem: 'forged' });
		expect(new Signer(Buffer.from('t'.repeat(40))).verifyLink(token)).toEqual({ ok: false, problem: 'forged' });

		const expired = jsonFormLink({ ...facts, x: future - 7200 });
		expect(signer.verifyLink(expired)).toEqual({ ok: false, problem: 'expired' });
		// Expiry is checked against the given clock.
		expect(signer.verifyLink(token, (future + 1) * 1000).ok).toBe(false);
		expect(signer.verifyLink(token, (future - 1) * 1000).ok).toBe(true);

		// One spelling of a signed token only: what a lenient decoder would skip or read the same.
		const last = mac.at(-1)!;
		const sameBytes = 'AEIMQUYcgkosw048'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : null;
		const spellings = [
			`${token}=`,
			`${token}!`,
			`${token} `,
			`${token}\n`,
			` ${token}`,
			`${body}.${mac.slice(0, 10)}*${mac.slice(10)}`,
			`${body}.${mac.slice(0, -1)}${sameBytes ?? last}`
		];
		for (const variant of spellings.filter((t) => t !== token)) expect(signer.verifyLink(variant).ok, JSON.stringify(variant)).toBe(false);
		for (const bad of ['', 'abc', 'a.b.c', '.', `${body}.`, `.${mac}`, 42, null, {}, 'x'.repeat(5000)]) {
			expect(signer.verifyLink(bad)).toEqual({ ok: false, problem: 'malformed' });
		}
		// Correctly signed but not a link (a seat), or a link with a bad field: malformed.
		const seat = signer.signSeat({ g: 'group-0001', p: 'person-0001', n: 'Mia', r: 'leader' });
		expect(signer.verifyLink(seat)).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifySeat(token)).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifyLink(jsonFormLink({ ...facts, r: 'admin' }))).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifyLink(jsonFormLink({ ...facts, g: 'short' }))).toEqual({ ok: false, problem: 'malformed' });
		expect(signer.verifyLink(signer.signLink({ ...facts, g: 'short' }))).toEqual({ ok: false, problem: 'malformed' });
		// A seat's name and role are as signed.
		const [seatBody, seatMac] = seat.split('.') as [string, string];
		const seatPayload = JSON.parse(Buffer.from(seatBody, 'base64url').toString()) as Record<string, unknown>;
		const renamed = Buffer.from(JSON.stringify({ ...seatPayload, n: 'Boss' })).toString('base64url');
		expect(signer.verifySeat(`${renamed}.${seatMac}`)).toEqual({ ok: false, problem: 'forged' });
	});

	it('puts token and media key in a fragment', () => {
		const params = new URLSearchParams(linkFragment('a.b', 'key_-1'));
		expect([params.get('t'), params.get('k')]).toEqual(['a.b', 'key_-1']);
	});
});

describe('TicketStore', () => {
	const identity: Identity = { groupId: 'group-0001', plannedMinutes: 90, participantId: 'person-0001', name: 'Mia', role: 'member' };

	it('gives the identity once, and never for an unknown ticket', () => {
		const store = new MemoryTicketStore(30);
		const ticket = store.issue(identity, 'group-0001')!;
		expect(ticket).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(store.consume('nope')).toBeNull();
		expect(store.consume(ticket)).toEqual(identity);
		expect(store.consume(ticket)).toBeNull();
		expect(store.size).toBe(0);
	});

	it('refuses an expired ticket, with an injected clock', () => {
		let now = 1_000_000;
		const store = new MemoryTicketStore(30, { now: () => now });
		const early = store.issue(identity, 'group-0001')!;
		const late = store.issue({ ...identity, participantId: 'person-0002' }, 'group-0001')!;
		now += 29_999;
		expect(store.consume(early)).toEqual(identity);
		now += 1;
		expect(store.consume(late)).toBeNull();
		// Expired tickets are swept, and a consumed expired ticket does not come back.
		const old = store.issue(identity, 'group-0001')!;
		now += 30_000;
		store.sweep();
		expect(store.size).toBe(0);
		expect(store.consume(old)).toBeNull();
	});

	it('holds each group to its share, and when full makes room from the largest share, never from a smaller one', () => {
		let now = 0;
		const store = new MemoryTicketStore(30, { max: 10, perShare: 6, now: () => now });
		const greedy = Array.from({ length: 8 }, () => store.issue(identity, 'greedy'));
		// Six for the greedy group, then no more, whatever else the store has room for.
		expect(greedy.filter(Boolean)).toHaveLength(6);
		for (let i = 0; i < 4; i++) expect(store.issue(identity, `group-${i}`)).not.toBeNull();
		expect(store.size).toBe(10);
		// Full: another group still gets one, at the greedy group's expense (its oldest goes).
		const fair = store.issue(identity, 'latecomer')!;
		expect(fair).not.toBeNull();
		expect(store.consume(greedy[0]!)).toBeNull();
		expect(store.consume(greedy[1]!)).toEqual(identity);
		// Shares level out: with everyone at one or two, a full store refuses the newcomer instead.
		const small = new MemoryTicketStore(30, { max: 2, perShare: 6, now: () => now });
		expect(small.issue(identity, 'a')).not.toBeNull();
		expect(small.issue(identity, 'b')).not.toBeNull();
		expect(small.issue(identity, 'c')).toBeNull();
		now += 31_000;
		expect(small.issue(identity, 'c')).not.toBeNull();
	});

	it('is bounded: when full of live tickets it issues none', () => {
		let now = 0;
		const store = new MemoryTicketStore(30, { max: 2, now: () => now });
		expect(store.issue(identity, 'group-0001')).not.toBeNull();
		expect(store.issue(identity, 'group-0001')).not.toBeNull();
		expect(store.issue(identity, 'group-0001')).toBeNull();
		now += 31_000;
		expect(store.issue(identity, 'group-0001')).not.toBeNull();
		expect(store.size).toBe(1);
	});
});

describe('RateLimiter', () => {
	it('allows the limit per window and key, then resets', () => {
		let now = 0;
		const limiter = new MemoryRateLimiter(2, 60_000, () => now);
		expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([true, true, false, true]);
		now += 59_999;
		expect(limiter.take('a')).toBe(false);
		now += 1;
		expect(limiter.take('a')).toBe(true);
	});
});

describe('rate limit keys', () => {
	it('count IPv4 per address and IPv6 per /64, however the address is written', () => {
		expect(rateKey('203.0.113.7')).toBe('203.0.113.7');
		const same = ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2:a:b:c:d%eth0', '2001:db8:1:2::10.0.0.1'];
		expect(new Set(same.map(rateKey))).toEqual(new Set(['2001:db8:1:2::/64']));
		expect(rateKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
		expect(rateKey('::1')).toBe('0:0:0:0::/64');
		expect(rateKey('fe80::1')).toBe('fe80:0:0:0::/64');
		expect(rateKey('unknown')).toBe('unknown');
	});
});

describe('the page CSP with video', () => {
	const page = "default-src 'self'; connect-src 'self'; script-src 'self' 'sha256-x'; frame-ancestors 'none'";

	it('lets a page reach only the media server: its WebSocket and HTTP origin, same security', () => {
		expect(mediaConnectSources('wss://media.example.org')).toEqual(['wss://media.example.org', 'https://media.example.org']);
		expect(mediaConnectSources('ws://127.0.0.1:7880')).toEqual(['ws://127.0.0.1:7880', 'http://127.0.0.1:7880']);
		expect(mediaConnectSources(null)).toEqual([]);
	});

	it('adds them to connect-src and changes nothing else', () => {
		const sources = mediaConnectSources('wss://media.example.org:8443');
		expect(withConnectSources(page, sources)).toBe(
			"default-src 'self'; connect-src 'self' wss://media.example.org:8443 https://media.example.org:8443; script-src 'self' 'sha256-x'; frame-ancestors 'none'"
		);
		expect(withConnectSources(page, [])).toBe(page);
		expect(withConnectSources("default-src 'self'", ['wss://m.example.org'])).toBe("default-src 'self'; connect-src 'self' wss://m.example.org");
	});
});
