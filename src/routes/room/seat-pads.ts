import { goto } from '$app/navigation';
import { page } from '$app/state';
import { TabSeat, type PadStore } from '#lib/sync/tab-seat.ts';

/**
 * The pad's share lives in this page's history entry, written through the router: SvelteKit
 * rewrites `history.state` whole when the page starts and gives back, after a reload, only the
 * page state it was asked to keep (`persistState`). The address stays as it is, fragment and all.
 */
const pads: PadStore = {
	read: () => page.state.seatPad ?? null,
	write: (pad) =>
		// eslint-disable-next-line svelte/no-navigation-without-resolve -- the current address itself: a shallow change of page state, no navigation
		goto(location.href, {
			shallow: true,
			replace: true,
			reset: false,
			state: pad === null ? {} : { seatPad: pad },
			persistState: pad !== null
		})
};

export const tabSeat = new TabSeat(pads);
