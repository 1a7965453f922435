import { describe, expect, it } from 'vitest';
import { isPlannedMinutes, MAX_PLANNED_MINUTES, MIN_PLANNED_MINUTES } from './state';

describe('isPlannedMinutes', () => {
	it('takes whole minutes from 15 to 600, as the server does', () => {
		expect(MIN_PLANNED_MINUTES).toBe(15);
		expect(MAX_PLANNED_MINUTES).toBe(600);
		for (const ok of [15, 16, 90, 600]) expect(isPlannedMinutes(ok), String(ok)).toBe(true);
	});

	it('refuses an empty field (undefined or null from a number input), zero, fractions and the out-of-range', () => {
		for (const bad of [undefined, null, '', '90', 0, 14, 601, 90.5, Number.NaN, Infinity]) expect(isPlannedMinutes(bad), String(bad)).toBe(false);
	});
});
