/**
 * Dates and times in each reader's language and the conventions of their region: the words
 * come from the language chosen on screen, the order of day and month and the 12- or 24-hour
 * clock from the region the browser names (navigator.languages). A Dane reading in English
 * sees "21 May 2027, 14.05", not "May 21, 2027, 2:05 PM". Every date or time on screen goes
 * through here; times are in the reader's own time zone unless one is given.
 */

function browserLanguages(): readonly string[] {
	if (typeof navigator === 'undefined') return [];
	return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

function localeOf(tag: string): Intl.Locale | null {
	try {
		return new Intl.Locale(tag);
	} catch {
		return null;
	}
}

/** Whether this browser's Intl has data for the language in that region (Chromium ships fewer than Node). */
function known(tag: string): boolean {
	try {
		return localeOf(new Intl.DateTimeFormat(tag).resolvedOptions().locale)?.region === localeOf(tag)?.region;
	} catch {
		return false;
	}
}

/**
 * The locale to format dates and times with, for the language shown (`en`, `sv`, `da`, `de`)
 * and the browser's preferred languages: the region the browser gives with this language
 * (en-GB), else the first region it gives with any (en + da-DK → en-DK), else the language's
 * own conventions, with English as Europe writes it (this is a European product; a browser
 * in the US says en-US).
 */
export function dateLocale(language: string, preferred: readonly string[] = browserLanguages()): string {
	const tags = preferred.map(localeOf).filter((l): l is Intl.Locale => l !== null);
	const region = tags.find((l) => l.language === language && l.region)?.region ?? tags.find((l) => l.region)?.region;
	const candidates = [region ? `${language}-${region}` : null, language === 'en' ? 'en-150' : null, language === 'en' ? 'en-GB' : null];
	for (const candidate of candidates) if (candidate && known(candidate)) return candidate;
	return language;
}

/** "21 May 2027", from an ISO instant. */
export function formatDate(iso: string, language: string, preferred?: readonly string[]): string {
	return new Intl.DateTimeFormat(dateLocale(language, preferred), { dateStyle: 'long' }).format(new Date(iso));
}

/** A time of day: "14:05", or "2:05 PM" where that is the reader's way. */
export function formatTime(ms: number, language: string, preferred?: readonly string[]): string {
	return new Intl.DateTimeFormat(dateLocale(language, preferred), { timeStyle: 'short' }).format(new Date(ms));
}

/** "Wednesday 10 March 2027 at 09:00", in a given time zone (a conference's) or the reader's. */
export function formatDateTime(iso: string, language: string, options: { timeZone?: string; preferred?: readonly string[] } = {}): string {
	return new Intl.DateTimeFormat(dateLocale(language, options.preferred), { dateStyle: 'full', timeStyle: 'short', timeZone: options.timeZone }).format(
		new Date(iso)
	);
}
