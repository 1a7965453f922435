import { describe, expect, it } from 'vitest';
import { ownTimeZone, timeZoneChoices } from './time-zones';

describe('the conference time-zone list', () => {
	it('always has UTC and the browser’s own zone first, and every other zone once', () => {
		expect(timeZoneChoices(['Europe/Berlin', 'Europe/Stockholm'], 'Europe/Stockholm')).toEqual({ own: 'Europe/Stockholm', all: ['Europe/Berlin'] });
		// A browser in UTC: Intl's list has no "UTC" at all.
		expect(timeZoneChoices(['Europe/Berlin', 'Europe/Stockholm'], 'UTC')).toEqual({ own: 'UTC', all: ['Europe/Berlin', 'Europe/Stockholm'] });
		// A zone Intl does not list (an alias) is still offered as the browser's own.
		expect(timeZoneChoices(['Europe/Kyiv'], 'Europe/Kiev')).toEqual({ own: 'Europe/Kiev', all: ['Europe/Kyiv'] });
		expect(timeZoneChoices().all.length).toBeGreaterThan(300);
		expect(ownTimeZone()).toMatch(/^(UTC|[A-Za-z_]+\/[A-Za-z_/+-]+)$/);
	});
});
