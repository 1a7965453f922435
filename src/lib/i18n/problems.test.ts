import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { m } from '../paraglide/messages.js';
import { baseLocale, locales, overwriteGetLocale } from '../paraglide/runtime.js';
import { refusalText } from './labels';
import { linkProblemText } from './link-problems';
import { loadRareProblems, problemText } from './problems';
import * as rare from './rare-problems';
import { CloseCode } from '../sync/protocol';
import { endingFor } from '../sync/room-status';

/**
 * The server's refusals reach the screen only as codes, translated here. The server's own
 * sources are read so that a new code without a translation fails this test.
 */

const root = process.cwd();
const serverDir = join(root, 'src/lib/server');
const serverSources = readdirSync(serverDir)
	.filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
	.map((file) => ({ file, text: readFileSync(join(serverDir, file), 'utf8') }));

/** `new HttpError(status, 'code', message)`, with the English message when it is a literal. */
function serverErrors(): { file: string; code: string; message: string | null }[] {
	const found: { file: string; code: string; message: string | null }[] = [];
	for (const { file, text } of serverSources) {
		for (const match of text.matchAll(/new HttpError\(\s*\d+\s*,\s*'([^']+)'\s*,\s*(?:(['`])((?:(?!\2).)*)\2)?/g)) {
			found.push({ file, code: match[1]!, message: match[3] ?? null });
		}
		// The last resort for an unexpected fault, written as raw JSON.
		for (const match of text.matchAll(/"code":"([^"]+)","message":"([^"]+)"/g)) found.push({ file, code: match[1]!, message: match[2]! });
	}
	return found;
}

afterEach(() => overwriteGetLocale(() => baseLocale));

/** As the room page shows a problem once the rare texts are loaded. */
const apiProblemText = (code: string) => linkProblemText(code) ?? problemText(code, rare);

describe('API error codes', () => {
	const errors = serverErrors();

	it('finds the server’s error codes (the scan itself works)', () => {
		const codes = new Set(errors.map((e) => e.code));
		for (const code of [
			'link-expired',
			'link-invalid',
			'link-malformed',
			'invalid-request',
			'organiser-key-required',
			'rate-limited',
			'busy',
			'too-large',
			'internal'
		]) {
			expect(codes, `server code ${code}`).toContain(code);
		}
	});

	it.each(locales)('every code the server answers with has its own text in %s, never the server’s English', (locale) => {
		overwriteGetLocale(() => locale);
		const generic = m.problem_unknown();
		for (const { file, code, message } of errors) {
			const text = apiProblemText(code);
			expect(text, `${file}: "${code}" has no translation (add it to API_PROBLEMS)`).not.toBe(generic);
			expect(text.trim(), `${file}: "${code}"`).not.toBe('');
			// English may say what the server says; every other language must not.
			if (locale !== 'en') expect(text, `${file}: "${code}" shows the server's message`).not.toBe(message);
		}
		expect(apiProblemText('network')).toBe(m.network_problem());
	});

	it('gives an unknown code the generic line, in the reader’s language', () => {
		overwriteGetLocale(() => 'de');
		expect(apiProblemText('something-new')).toBe(m.problem_unknown());
		expect(apiProblemText('toString')).toBe(m.problem_unknown());
		expect(apiProblemText('link-expired')).toBe(m.link_expired({}, { locale: 'de' }));
		expect(apiProblemText('link-expired')).not.toBe(m.link_expired({}, { locale: 'en' }));
	});
});

describe('room problems', () => {
	it('translates a malformed-message close, never its English close reason', () => {
		overwriteGetLocale(() => 'sv');
		expect(apiProblemText('malformed')).toBe(m.problem_malformed({}, { locale: 'sv' }));
		expect(apiProblemText('link-expired')).toBe(m.link_expired({}, { locale: 'sv' }));
		expect(apiProblemText('malformed message')).toBe(m.problem_unknown({}, { locale: 'sv' }));
	});

	it('names a bad link and a lost network without the rare texts, and says the network is gone for the rest', async () => {
		overwriteGetLocale(() => 'de');
		expect(linkProblemText('link-invalid')).toBe(m.link_invalid({}, { locale: 'de' }));
		expect(linkProblemText('busy')).toBeNull();
		expect(linkProblemText('toString')).toBeNull();
		expect(problemText('network', null)).toBe(m.network_problem({}, { locale: 'de' }));
		expect(problemText('busy', null)).toBe(m.network_problem({}, { locale: 'de' }));
		expect(problemText('busy', await loadRareProblems())).toBe(m.problem_busy({}, { locale: 'de' }));
	});

	it('tells a 41st watcher of a demonstration group that its places are taken, in their language, and a leader who admits one why not', () => {
		expect(endingFor(CloseCode.watchersFull)).toEqual({ status: 'failed', problem: 'watchers-full' });
		overwriteGetLocale(() => 'de');
		expect(apiProblemText('watchers-full')).toBe(m.problem_watchers_full({}, { locale: 'de' }));
		expect(refusalText('watchers-full')).toBe(m['refused_watchers-full']({}, { locale: 'de' }));
		expect(refusalText('watchers-full')).not.toBe(m['refused_room-full']({}, { locale: 'de' }));
	});

	it('says a click made while the connection was down was not sent', () => {
		overwriteGetLocale(() => 'da');
		expect(refusalText('not-connected')).toBe(m['refused_not-connected']({}, { locale: 'da' }));
	});
});

describe('lookup tables', () => {
	// A computed key (m[`x_${code}`], m[key]) keeps every message of every language in the
	// first page; labels are spelled out key by key.
	// The first pages' texts must stay out of the lazily loaded module, or the bundler moves
	// them out of the first page's own chunk into chunks of their own.
	it('keeps a link’s problems and the lost network out of rare-problems.ts', () => {
		const code = readFileSync(join(root, 'src/lib/i18n/rare-problems.ts'), 'utf8');
		for (const key of ['link_malformed', 'link_invalid', 'link_expired', 'network_problem']) expect(code).not.toContain(`m.${key}`);
	});

	it.each(['labels.ts', 'link-problems.ts', 'problems.ts', 'rare-problems.ts'])('%s looks messages up by static keys only', (file) => {
		const code = readFileSync(join(root, 'src/lib/i18n', file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
		expect(code.match(/\bm\[(?!'[^']*'\])[^\]]*\]/g) ?? []).toEqual([]);
	});
});
