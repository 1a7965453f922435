import { beforeEach, describe, expect, it } from 'vitest';
import { TabSeat, type HeldSeat, type PadStore } from './tab-seat';

/**
 * The tab's two shares, with a window name and a history entry as small as the parts of them
 * used: neither share holds anything of the seat, together they give it back, and giving it up
 * clears both (the page's own use of them is tested in the browser, tests/e2e/reload.spec.ts).
 */
const seat: HeldSeat = { group: 'group-0001', role: 'member', seat: 'eyJrIjoic2VhdCJ9.c2lnbmF0dXJl', name: 'Dana Ødegård', sessionId: 'session-0001' };

class Entry implements PadStore {
	pad: string | null = null;
	writes = 0;
	read(): string | null {
		return this.pad;
	}
	async write(pad: string | null): Promise<void> {
		// The router writes asynchronously: what was asked lands a moment later.
		await Promise.resolve();
		this.pad = pad;
		this.writes++;
	}
}

let entry: Entry;
let win: { name: string };
let tab: TabSeat;
beforeEach(() => {
	entry = new Entry();
	win = { name: '' };
	tab = new TabSeat(entry, win);
});

describe('the seat a tab keeps across a reload', () => {
	it('is split in two shares that say nothing alone, and read back whole', async () => {
		tab.hold(seat);
		await tab.settled();
		for (const share of [win.name, entry.pad!]) {
			const bytes = Buffer.from(share.replace(/^balint-seat:/, ''), 'base64').toString('latin1');
			for (const secret of [seat.seat, seat.name, 'Dana', seat.group, seat.sessionId!, 'member']) expect(share + bytes).not.toContain(secret);
		}
		expect(tab.read('group-0001', 'member')).toEqual(seat);
	});

	it('a fresh pad every time; holds in quick succession land in order, both shares of the last one together', async () => {
		tab.hold(seat);
		await tab.settled();
		const first = win.name;
		tab.hold({ ...seat, sessionId: 'session-0002' });
		tab.hold({ ...seat, sessionId: 'session-0003' });
		await tab.settled();
		expect(win.name).not.toBe(first);
		expect(tab.read('group-0001', 'member')?.sessionId).toBe('session-0003');
	});

	it('is for its own group and role only; a share overwritten or missing gives nothing', async () => {
		tab.hold(seat);
		await tab.settled();
		expect(tab.read('group-0002', 'member')).toBeNull();
		expect(tab.read('group-0001', 'observer')).toBeNull();
		const name = win.name;
		win.name = 'balint-seat:' + Buffer.from('another site').toString('base64');
		expect(tab.read('group-0001', 'member')).toBeNull();
		win.name = name;
		entry.pad = null;
		expect(tab.read('group-0001', 'member')).toBeNull();
	});

	it('dropped, both shares are gone at once; a name that is not ours is left alone, and nothing held writes nothing', async () => {
		tab.hold(seat);
		await tab.settled();
		tab.drop();
		expect(win.name).toBe('');
		expect(tab.read('group-0001', 'member')).toBeNull();
		await tab.settled();
		expect(entry.pad).toBeNull();
		const writes = entry.writes;
		win.name = 'someone-else';
		tab.drop();
		await tab.settled();
		expect(win.name).toBe('someone-else');
		expect(entry.writes).toBe(writes);
	});
});
