import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Translations must mirror en.json: same keys, same {placeholders}, and actually translated. */

type Messages = Record<string, unknown>;

const root = process.cwd();
const readJson = (path: string): Messages => JSON.parse(readFileSync(join(root, path), 'utf8')) as Messages;
const readMessages = (locale: string): Messages => readJson(`messages/${locale}.json`);

const LOCALES = ['sv', 'da', 'de'] as const;

/** Keys whose value may legitimately equal the English one, per locale. */
const SAME_AS_ENGLISH: Record<(typeof LOCALES)[number], readonly string[]> = {
	// "Video" is the same word in all four languages.
	// "—" is a dash, not a word; Danish "Send" is the imperative. `action_for` is only
	// placeholders: "{action} ({name})" keeps a button's visible words first in its name.
	// "Moderator" is the Swedish and Danish word too, and "Supervisor" the Danish (supervision is
	// a Danish word as well); "Moderation" the German.
	sv: ['$schema', 'app_name', 'video_title', 'help_none', 'action_for', 'plenary_role_moderator'],
	da: ['$schema', 'app_name', 'video_title', 'help_none', 'send_notice', 'action_for', 'role_supervisor', 'link_supervisor', 'plenary_role_moderator'],
	// "Phase" is the German word too; the announcement is built only from it and placeholders.
	de: ['$schema', 'app_name', 'phase_label', 'announce', 'video_title', 'help_none', 'col_phase', 'action_for', 'plenary_moderation']
};

const en = readMessages('en');
const enKeys = Object.keys(en);

/** The set of {placeholder} names in a message, sorted. */
function placeholders(value: string): string[] {
	return [...new Set([...value.matchAll(/\{\s*([^{}\s]+)\s*\}/g)].map((match) => match[1] ?? ''))].sort();
}

describe('project.inlang settings', () => {
	it('lists exactly the locales en, sv, da, de with en as base', () => {
		const settings = readJson('project.inlang/settings.json');
		expect(settings.baseLocale).toBe('en');
		expect([...(settings.locales as string[])].sort()).toEqual(['da', 'de', 'en', 'sv']);
	});
});

describe('en.json', () => {
	it('has only non-empty string values', () => {
		for (const key of enKeys) {
			expect(typeof en[key] === 'string' && (en[key] as string).trim() !== '', `en: "${key}" must be a non-empty string`).toBe(true);
		}
	});
});

describe.each(LOCALES)('messages/%s.json', (locale) => {
	const messages = readMessages(locale);
	const keys = Object.keys(messages);

	it('has the same keys as en.json', () => {
		const missing = enKeys.filter((key) => !(key in messages));
		const extra = keys.filter((key) => !(key in en));
		expect(missing, `${locale}: keys missing compared with en.json`).toEqual([]);
		expect(extra, `${locale}: keys not present in en.json`).toEqual([]);
	});

	it('has the keys in the same order as en.json', () => {
		expect(keys, `${locale}: key order differs from en.json`).toEqual(enKeys);
	});

	it('has only non-empty string values', () => {
		for (const key of keys) {
			const value = messages[key];
			expect(typeof value === 'string' && value.trim() !== '', `${locale}: "${key}" must be a non-empty string`).toBe(true);
		}
	});

	it('uses the same {placeholders} as English', () => {
		for (const key of enKeys) {
			const value = messages[key];
			if (typeof value !== 'string' || typeof en[key] !== 'string') continue;
			expect(placeholders(value), `${locale}: placeholders of "${key}"`).toEqual(placeholders(en[key] as string));
		}
	});

	it('translates every value except the allowlisted ones', () => {
		const allowed = new Set(SAME_AS_ENGLISH[locale]);
		const untranslated = enKeys.filter((key) => !allowed.has(key) && messages[key] === en[key]);
		expect(untranslated, `${locale}: values identical to English (translate them or add them to the allowlist)`).toEqual([]);
	});
});
