import { describe, expect, it } from 'vitest';
import { clampPage, galleryLayout, galleryOrder, handQueue, pageCount, stripSize, tilesPerPage, type GalleryPerson } from './gallery-pages';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i + 1}`);
const person = (id: string, over: Partial<GalleryPerson> = {}): GalleryPerson => ({ id, name: id, connected: true, handRaisedAt: null, ...over });

describe('tiles per page', () => {
	it('holds 4 on a phone, 12 on a 1366x768 laptop, 16 on a large screen', () => {
		expect(tilesPerPage(390, 844)).toBe(4);
		expect(tilesPerPage(1366, 768)).toBe(12);
		expect(tilesPerPage(1920, 1080)).toBe(16);
		expect(tilesPerPage(800, 1000)).toBe(9);
		expect(stripSize(390)).toBe(3);
		expect(stripSize(1366)).toBe(6);
	});
});

describe('pages', () => {
	it('50 people at 12 a page are 5 pages, the last with 2', () => {
		const order = ids(50);
		expect(pageCount(50, 12)).toBe(5);
		const last = galleryLayout(order, null, 4, { perPage: 12, strip: 6 });
		expect(last).toEqual({ mode: 'pages', main: null, shown: ['p49', 'p50'], page: 4, pages: 5 });
		const first = galleryLayout(order, null, 0, { perPage: 12, strip: 6 });
		expect(first.shown).toEqual(ids(12));
	});

	it('every person is on exactly one page', () => {
		for (const [n, perPage] of [
			[50, 12],
			[50, 4],
			[13, 16],
			[1, 4],
			[48, 16]
		] as const) {
			const order = ids(n);
			const layout = galleryLayout(order, null, 0, { perPage, strip: 6 });
			const seen = Array.from({ length: layout.pages }, (_, p) => galleryLayout(order, null, p, { perPage, strip: 6 }).shown).flat();
			expect(seen).toEqual(order);
		}
	});

	it('a page past the end (people left) turns back to the last one, and an empty gallery is one page', () => {
		expect(galleryLayout(ids(5), null, 3, { perPage: 4, strip: 3 })).toMatchObject({ page: 1, pages: 2, shown: ['p5'] });
		expect(galleryLayout([], null, 2, { perPage: 4, strip: 3 })).toEqual({ mode: 'pages', main: null, shown: [], page: 0, pages: 1 });
		expect(clampPage(-1, 3)).toBe(0);
		expect(clampPage(Number.NaN, 3)).toBe(0);
		expect(pageCount(0, 12)).toBe(1);
	});
});

describe('the speaker view', () => {
	it('shows the pinned person big and pages the others in the strip', () => {
		const order = ids(50);
		const layout = galleryLayout(order, 'p20', 0, { perPage: 12, strip: 6 });
		expect(layout.mode).toBe('speaker');
		expect(layout.main).toBe('p20');
		expect(layout.shown).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
		expect(layout.pages).toBe(9);
		const strips = Array.from({ length: layout.pages }, (_, p) => galleryLayout(order, 'p20', p, { perPage: 12, strip: 6 }).shown).flat();
		expect(strips).not.toContain('p20');
		expect(strips).toHaveLength(49);
	});

	it('a pin on someone who has left is no pin', () => {
		expect(galleryLayout(ids(3), 'gone', 0, { perPage: 4, strip: 3 }).mode).toBe('pages');
	});
});

describe('order', () => {
	it('puts this person first, then the others as they came, those away last', () => {
		const people = [person('a'), person('b', { connected: false }), person('me'), person('c')];
		expect(galleryOrder(people, 'me').map((p) => p.id)).toEqual(['me', 'a', 'c', 'b']);
		expect(galleryOrder(people, null).map((p) => p.id)).toEqual(['a', 'me', 'c', 'b']);
	});

	it('queues hands in the order they went up', () => {
		const people = [person('a', { handRaisedAt: 3 }), person('b'), person('c', { handRaisedAt: 1 }), person('d', { handRaisedAt: 3 })];
		expect(handQueue(people).map((p) => p.id)).toEqual(['c', 'a', 'd']);
	});
});
