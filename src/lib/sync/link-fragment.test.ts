import { describe, expect, it } from 'vitest';
import { linkFragment, readFragment } from './link-fragment';

describe('readFragment', () => {
	const token = 'eyJrIjoibGluayJ9.amCEtFtnVR9jtThJd48mt8YJI2QjKWqcBGR50l2B_Mc';
	const key = 'N2Zx-5kq_0aVb1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV';

	it('reads the token and the media key', () => {
		expect(readFragment(`#t=${token}&k=${key}`)).toEqual({ token, mediaKey: key });
		expect(readFragment(`#t=${token}`)).toEqual({ token, mediaKey: null });
		expect(readFragment('')).toEqual({ token: null, mediaKey: null });
	});

	it.each(['.', ').', '>', '"', "'", ',', ' ', '\n', '%20', '!'])('ignores %j glued to the end of a pasted link', (tail) => {
		expect(readFragment(`#t=${token}&k=${key}${tail}`)).toEqual({ token, mediaKey: key });
		expect(readFragment(`#t=${token}${tail}`)).toEqual({ token, mediaKey: null });
	});

	it('is what linkFragment writes', () => {
		expect(readFragment(`#${linkFragment(token, key)}`)).toEqual({ token, mediaKey: key });
		expect(readFragment(`#${linkFragment(token, null)}`)).toEqual({ token, mediaKey: null });
	});
});
