import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { heldSeat, tabSeat, type HeldSeat } from './tab-seat';

/**
 * The tab's two shares, with a window and a history as small as the parts of them used:
 * neither share holds anything of the seat, together they give it back, and giving it up
 * leaves the router's own history state as it was.
 */
const seat: HeldSeat = { group: 'group-0001', role: 'member', seat: 'eyJrIjoic2VhdCJ9.c2lnbmF0dXJl', name: 'Dana Ødegård', sessionId: 'session-0001' };
let win: { name: string };
let hist: { state: unknown; replaceState(state: unknown, unused: string): void };

beforeEach(() => {
	win = { name: '' };
	hist = {
		state: { 'sveltekit:history': 7 },
		replaceState(state) {
			// The browser stores a structured clone, never the object itself.
			this.state = structuredClone(state);
		}
	};
	vi.stubGlobal('window', win);
	vi.stubGlobal('history', hist);
});
afterEach(() => vi.unstubAllGlobals());

describe('the seat a tab keeps across a reload', () => {
	it('is split in two shares that say nothing alone, and read back whole', () => {
		tabSeat.hold(seat);
		const pad = (hist.state as Record<string, string>)['balint:seat-pad']!;
		for (const share of [win.name, pad]) {
			const bytes = Buffer.from(share.replace(/^balint-seat:/, ''), 'base64').toString('latin1');
			for (const secret of [seat.seat, seat.name, 'Dana', seat.group, seat.sessionId!, 'member']) expect(share + bytes).not.toContain(secret);
		}
		expect(heldSeat('group-0001', 'member')).toEqual(seat);
		expect((hist.state as Record<string, unknown>)['sveltekit:history']).toBe(7);
	});

	it('a fresh pad every time: the same seat held twice shares nothing', () => {
		tabSeat.hold(seat);
		const first = win.name;
		tabSeat.hold(seat);
		expect(win.name).not.toBe(first);
		expect(heldSeat('group-0001', 'member')).toEqual(seat);
	});

	it('is for its own group and role only; a share overwritten or missing gives nothing', () => {
		tabSeat.hold(seat);
		expect(heldSeat('group-0002', 'member')).toBeNull();
		expect(heldSeat('group-0001', 'observer')).toBeNull();
		const name = win.name;
		win.name = 'balint-seat:' + Buffer.from('another site').toString('base64');
		expect(heldSeat('group-0001', 'member')).toBeNull();
		win.name = name;
		hist.replaceState({}, '');
		expect(heldSeat('group-0001', 'member')).toBeNull();
	});

	it('dropped, both shares are gone and the router keeps its own state; a name that is not ours is left alone', () => {
		tabSeat.hold(seat);
		tabSeat.drop();
		expect(win.name).toBe('');
		expect(hist.state).toEqual({ 'sveltekit:history': 7 });
		expect(heldSeat('group-0001', 'member')).toBeNull();
		win.name = 'someone-else';
		tabSeat.drop();
		expect(win.name).toBe('someone-else');
	});
});
