import type { Role } from './roles';
import type { SessionState } from './state';

/*
 * The workshop fishbowl: a demonstration group, whose working members and leaders are watched
 * by many observers (newcomers at an introductory workshop). Its room, lobby and media room
 * grow by that many observers; a plain group stays as it is. Observers never publish (as in
 * every group), and the screens show them as a count ("24 watching"), not as faces.
 */

/** Observers a demonstration group takes beyond its working members and leaders. */
export const DEMO_OBSERVERS = 40;

/** Seats in a group's media room when its size is not known: a Balint group of 5-10 with one or two leaders, and headroom. */
export const DEFAULT_MEDIA_SEATS = 16;

/** Those who only watch: in a demonstration group they are counted, not shown as faces. */
export function watches(role: Role): boolean {
	return role === 'observer';
}

/** How many watch now: observers in the room whose connection is up. */
export function watchingCount(state: SessionState): number {
	let count = 0;
	for (const p of Object.values(state.participants)) if (watches(p.role) && p.connected) count++;
	return count;
}

/**
 * Seats in the media room: a demonstration group's observers subscribe there too, so they are
 * added to the group's own (or the default) seats; a plain group keeps what it had (undefined:
 * the media server's default).
 */
export function mediaSeats(seats: number | undefined, demo: boolean): number | undefined {
	return demo ? (seats ?? DEFAULT_MEDIA_SEATS) + DEMO_OBSERVERS : seats;
}
