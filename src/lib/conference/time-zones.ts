/**
 * The time zones a conference can be planned in. A browser running in UTC names its zone
 * "UTC" (or "Etc/UTC"), which `Intl.supportedValuesOf('timeZone')` does not list: the list
 * always offers UTC and the browser's own zone first, then every other zone.
 */

/** The browser's own zone; UTC when it names none. */
export function ownTimeZone(): string {
	const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
	return !zone || /^(Etc\/)?(UTC|GMT|UCT|Universal|Zulu)$/i.test(zone) ? 'UTC' : zone;
}

/** UTC, the browser's own zone, and all the others, each once (`own` may be UTC). */
export function timeZoneChoices(supported: readonly string[] = allTimeZones(), own = ownTimeZone()): { own: string; all: string[] } {
	return { own, all: supported.filter((zone) => zone !== 'UTC' && zone !== own) };
}

function allTimeZones(): readonly string[] {
	return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
}
