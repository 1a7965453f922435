/**
 * How the plenary's gallery shows up to 50 people on one screen: pages of equal tiles, or a
 * speaker view (the pinned person big, a strip of the others) while a moderator pins someone.
 * Pure functions, so the paging is tested without a browser; the page shows only the tiles
 * returned here, and LiveKit's adaptive stream subscribes to the pictures of those alone.
 */

/** Equal tiles a page holds on a screen of this size: 4 on a phone, 12 on a 1366x768 laptop, 16 on a large screen. */
export function tilesPerPage(width: number, height: number): number {
	if (width < 640) return 4;
	if (width < 1100 || height < 600) return 9;
	if (height < 900) return 12;
	return 16;
}

/** Faces in the speaker view's strip beside the pinned person. */
export function stripSize(width: number): number {
	return width < 640 ? 3 : 6;
}

/** How many pages `total` tiles fill, `perPage` a page; at least one (an empty page says so). */
export function pageCount(total: number, perPage: number): number {
	return Math.max(1, Math.ceil(total / Math.max(1, perPage)));
}

/** A page number (from 0) brought within the pages there are: people leave, the screen turns. */
export function clampPage(page: number, pages: number): number {
	if (!Number.isFinite(page)) return 0;
	return Math.min(Math.max(0, Math.trunc(page)), pages - 1);
}

/** Someone the gallery orders: an id, and when their hand went up (for nothing else). */
export interface GalleryPerson {
	id: string;
	name: string;
	connected: boolean;
	handRaisedAt: number | null;
}

/**
 * The gallery's order: this person first (they find themselves on page 1), then everyone else
 * in the order they came in, those still connected before those away. Stable, so a face does
 * not jump from page to page when someone raises a hand or speaks.
 */
export function galleryOrder<P extends GalleryPerson>(people: readonly P[], me: string | null): P[] {
	const mine = people.filter((p) => p.id === me);
	const others = people.filter((p) => p.id !== me);
	return [...mine, ...others.filter((p) => p.connected), ...others.filter((p) => !p.connected)];
}

/** The raised hands in the order they went up (earliest first); ties by id, so every screen agrees. */
export function handQueue<P extends GalleryPerson>(people: readonly P[]): P[] {
	return people.filter((p) => p.handRaisedAt !== null).sort((a, b) => a.handRaisedAt! - b.handRaisedAt! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What the gallery shows now. */
export interface GalleryLayout {
	mode: 'pages' | 'speaker';
	/** The pinned person, big (speaker view only). */
	main: string | null;
	/** The tiles on this page: the equal gallery's, or the speaker view's strip. */
	shown: string[];
	/** This page, from 0, within `pages`. */
	page: number;
	pages: number;
}

/**
 * The layout for these people (in gallery order), the page asked for and the screen's sizes.
 * A pin on someone who is not here (they left) is no pin: the equal gallery stays.
 */
export function galleryLayout(order: readonly string[], pinned: string | null, page: number, sizes: { perPage: number; strip: number }): GalleryLayout {
	if (pinned !== null && order.includes(pinned)) {
		const rest = order.filter((id) => id !== pinned);
		const pages = pageCount(rest.length, sizes.strip);
		const at = clampPage(page, pages);
		return { mode: 'speaker', main: pinned, shown: rest.slice(at * sizes.strip, (at + 1) * sizes.strip), page: at, pages };
	}
	const pages = pageCount(order.length, sizes.perPage);
	const at = clampPage(page, pages);
	return { mode: 'pages', main: null, shown: order.slice(at * sizes.perPage, (at + 1) * sizes.perPage), page: at, pages };
}
