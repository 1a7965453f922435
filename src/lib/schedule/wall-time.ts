/**
 * Wall-clock times in a time zone, with nothing but Intl: shared by the conference planner and
 * a group's meeting series, in the browser and on the server.
 */

/** One formatter per zone (a few hundred zones at most): a series of 60 meetings asks 120 times. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		// Bounded all the same: a server should not grow with what callers spell.
		if (formatters.size >= 1000) formatters.clear();
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** Offset of a time zone from UTC at an instant, in ms. */
function zoneOffset(instant: number, timeZone: string): number {
	const parts = formatterFor(timeZone).formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant;
}

/** "2027-03-10T09:00" as a wall-clock time in `timeZone` → the UTC ISO instant. */
export function wallTimeToIso(local: string, timeZone: string): string {
	const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
	if (!match) throw new Error('expected YYYY-MM-DDTHH:mm');
	const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
	const asUtc = Date.UTC(y, mo - 1, d, h, mi);
	let instant = asUtc - zoneOffset(asUtc, timeZone);
	instant = asUtc - zoneOffset(instant, timeZone);
	return new Date(instant).toISOString();
}
