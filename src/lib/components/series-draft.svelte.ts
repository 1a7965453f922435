import { ownTimeZone } from '../conference/time-zones';
import type { GroupSeriesRequest } from '../sync/api-client';

/**
 * The "Meetings" part of the create form while it is being filled in: no series, dates, or a
 * rule. It only holds what was typed and says what the API would be sent; schedule/series.ts
 * judges it (loaded with the part's fields, so the start page stays light until it is opened).
 */
export type SeriesMode = 'none' | 'dates' | 'rule';

export class SeriesDraft {
	mode = $state<SeriesMode>('none');
	/** One row per date field; a row left empty is no date. */
	dates = $state<string[]>(['']);
	start = $state('');
	timeZone = $state(ownTimeZone());
	// `undefined` while the field is empty or not a number (Svelte's binding of a number input).
	everyWeeks = $state<number | undefined>(2);
	weekday = $state(1);
	from = $state('');
	until = $state('');

	/** What the API is sent for this draft with meetings of `minutes`; null without a series. */
	request(minutes: number | undefined): GroupSeriesRequest | null {
		if (this.mode === 'none') return null;
		const base = { timeZone: this.timeZone, start: this.start, minutes: minutes ?? 0 };
		if (this.mode === 'dates') return { ...base, dates: this.dates.filter((date) => date !== '') };
		return { ...base, rule: { everyWeeks: this.everyWeeks ?? 0, weekday: this.weekday, from: this.from, until: this.until } };
	}

	addDate(): void {
		this.dates.push('');
	}

	removeDate(index: number): void {
		this.dates.splice(index, 1);
		if (this.dates.length === 0) this.dates.push('');
	}
}
