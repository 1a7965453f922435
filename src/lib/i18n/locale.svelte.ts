import { baseLocale, isLocale, locales, overwriteGetLocale, type Locale } from '../paraglide/runtime.js';

/**
 * Each person's language, chosen on screen, defaulting to the browser's. It lives in page
 * memory only: no cookie, no storage. Message functions read it through paraglide's
 * `getLocale`, so every translated string on screen updates when it changes.
 */
function fromBrowser(): Locale {
	if (typeof navigator === 'undefined') return baseLocale;
	for (const tag of navigator.languages ?? [navigator.language]) {
		const lang = tag.toLowerCase().split('-')[0];
		if (lang === 'nb' || lang === 'nn' || lang === 'no') continue;
		if (isLocale(lang)) return lang;
	}
	return baseLocale;
}

class LocaleState {
	current = $state<Locale>(fromBrowser());

	set(locale: string): void {
		if (!isLocale(locale)) return;
		this.current = locale;
		if (typeof document !== 'undefined') document.documentElement.lang = locale;
	}
}

export const locale = new LocaleState();
overwriteGetLocale(() => locale.current);

export const LANGUAGE_NAMES: Record<Locale, string> = {
	en: 'English',
	sv: 'Svenska',
	da: 'Dansk',
	de: 'Deutsch'
};

export { locales };
