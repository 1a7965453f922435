/** Dates and durations in each person's own language and time zone (the browser's). */
export function formatDate(iso: string, locale: string): string {
	return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(iso));
}

/** A time of day, "14:05" (or "2:05 PM" where that is the reader's way). */
export function formatTime(ms: number, locale: string): string {
	return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(new Date(ms));
}

/** "12:05" or "1:02:05" from milliseconds. */
export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const two = (n: number) => String(n).padStart(2, '0');
	return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
