import { describe, expect, it } from 'vitest';
import { linkFragment, readFragment } from './link-fragment';

describe('readFragment', () => {
	const token = 'eyJrIjoibGluayJ9.amCEtFtnVR9jtThJd48mt8YJI2QjKWqcBGR50l2B_Mc';
	const key = 'N2Zx-5kq_0aVb1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV';

	const leaders = 'Lq9-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_ab';

	it('reads the token, the media key and the leaders key', () => {
		expect(readFragment(`#t=${token}&k=${key}`)).toEqual({ token, mediaKey: key, leadersKey: null, plenaryKey: null });
		expect(readFragment(`#t=${token}&k=${key}&l=${leaders}`)).toEqual({ token, mediaKey: key, leadersKey: leaders, plenaryKey: null });
		expect(readFragment(`#t=${token}`)).toEqual({ token, mediaKey: null, leadersKey: null, plenaryKey: null });
		expect(readFragment('')).toEqual({ token: null, mediaKey: null, leadersKey: null, plenaryKey: null });
	});

	it.each(['.', ').', '>', '"', "'", ',', ' ', '\n', '%20', '!'])('ignores %j glued to the end of a pasted link', (tail) => {
		expect(readFragment(`#t=${token}&k=${key}${tail}`)).toEqual({ token, mediaKey: key, leadersKey: null, plenaryKey: null });
		expect(readFragment(`#t=${token}&k=${key}&l=${leaders}${tail}`)).toEqual({ token, mediaKey: key, leadersKey: leaders, plenaryKey: null });
		expect(readFragment(`#t=${token}${tail}`)).toEqual({ token, mediaKey: null, leadersKey: null, plenaryKey: null });
	});

	it('is what linkFragment writes', () => {
		expect(readFragment(`#${linkFragment(token, key)}`)).toEqual({ token, mediaKey: key, leadersKey: null, plenaryKey: null });
		expect(readFragment(`#${linkFragment(token, key, leaders)}`)).toEqual({ token, mediaKey: key, leadersKey: leaders, plenaryKey: null });
		expect(readFragment(`#${linkFragment(token, null)}`)).toEqual({ token, mediaKey: null, leadersKey: null, plenaryKey: null });
		// The links made before the leaders key, unchanged.
		expect(linkFragment(token, key)).toBe(`t=${token}&k=${key}`);
	});

	it('reads and writes the plenary key of a conference link', () => {
		const plenary = 'Pq1-zYxWvUtSrQpOnMlKjI';
		expect(readFragment(`#${linkFragment(token, key, null, plenary)}`)).toEqual({ token, mediaKey: key, leadersKey: null, plenaryKey: plenary });
		expect(readFragment(`#${linkFragment(token, key, leaders, plenary)}.`)).toEqual({ token, mediaKey: key, leadersKey: leaders, plenaryKey: plenary });
		expect(linkFragment(token, key, null, plenary)).toBe(`t=${token}&k=${key}&p=${plenary}`);
	});
});
