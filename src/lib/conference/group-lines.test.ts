import { describe, expect, it } from 'vitest';
import { parseGroupLines } from './group-lines';

describe("the organiser's list of groups", () => {
	it('reads one group per line, leaders after the colon, blank lines skipped', () => {
		expect(parseGroupLines('Group A: Anna, Bo\n\n  Group B  \nGroup C:Åsa')).toEqual([
			{ name: 'Group A', leaders: ['Anna', 'Bo'] },
			{ name: 'Group B', leaders: [] },
			{ name: 'Group C', leaders: ['Åsa'] }
		]);
	});

	it('keeps colons in a name: the leaders follow the last one, a trailing colon means none', () => {
		expect(parseGroupLines('Ward 3: Tuesday: Anna')).toEqual([{ name: 'Ward 3: Tuesday', leaders: ['Anna'] }]);
		expect(parseGroupLines('Ward 3: Tuesday:')).toEqual([{ name: 'Ward 3: Tuesday', leaders: [] }]);
	});

	it('takes at most two leaders', () => {
		expect(parseGroupLines('G: A, B, C')[0]!.leaders).toEqual(['A', 'B']);
	});
});
