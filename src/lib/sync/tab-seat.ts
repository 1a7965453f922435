import type { Role } from '../session/roles';

/**
 * What one tab keeps so that a reload (F5) takes the same seat again, without the join form
 * and without a new admission: the seat the server signed, the name, and the session it was
 * in (to say "ended" rather than wait in the next session's lobby). Nowhere but this tab.
 */
export interface HeldSeat {
	group: string;
	role: Role;
	seat: string;
	name: string;
	sessionId: string | null;
}

/** Where a `RoomClient` keeps its seat while it is in, and forgets it at the end. */
export interface SeatKeeper {
	hold(seat: HeldSeat): void;
	drop(): void;
}

/*
 * Measured on Chromium (docs/privacy.md): `history.state` and sessionStorage are written to the
 * profile on disk within seconds (session restore) and stay there after they are cleared;
 * `window.name` never reaches the disk, but a site the tab goes on to can read it. So the seat
 * is split in two shares, a one-time pad and the seat XOR that pad: the pad in `history.state`
 * (on disk, but random bytes alone; only this origin can read it), the other share in
 * `window.name` (readable by a next site, but random bytes alone; never on disk). Neither says
 * anything without the other, and both are cleared when the seat is given up.
 */
const NAME_PREFIX = 'balint-seat:';
const STATE_KEY = 'balint:seat-pad';

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function padOf(state: unknown): string | null {
	const pad = (state as Record<string, unknown> | null)?.[STATE_KEY];
	return typeof pad === 'string' ? pad : null;
}

/** `history.state` with the pad set (or, given null, taken out), everything else in it (the router's own) kept. */
function writePad(pad: string | null): void {
	const state = { ...((history.state as Record<string, unknown> | null) ?? {}) };
	if (pad === null) delete state[STATE_KEY];
	else state[STATE_KEY] = pad;
	history.replaceState(state, '');
}

function isHeld(value: unknown): value is HeldSeat {
	const v = value as HeldSeat | null;
	return (
		typeof v?.group === 'string' &&
		typeof v.role === 'string' &&
		typeof v.seat === 'string' &&
		typeof v.name === 'string' &&
		(v.sessionId === null || typeof v.sessionId === 'string')
	);
}

/** The seat this tab holds for this group and role, if any. */
export function heldSeat(group: string, role: Role): HeldSeat | null {
	try {
		const pad = padOf(history.state);
		if (!pad || !window.name.startsWith(NAME_PREFIX)) return null;
		const key = fromBase64(pad);
		const share = fromBase64(window.name.slice(NAME_PREFIX.length));
		if (key.length !== share.length) return null;
		const held: unknown = JSON.parse(new TextDecoder().decode(share.map((b, i) => b ^ key[i]!)));
		return isHeld(held) && held.group === group && held.role === role ? held : null;
	} catch {
		// One share overwritten (another site used the tab's name): nothing to resume.
		return null;
	}
}

/** This tab's keeper: a fresh pad every time, so no two writes share one. */
export const tabSeat: SeatKeeper = {
	hold(seat) {
		const plain = new TextEncoder().encode(JSON.stringify(seat));
		const key = crypto.getRandomValues(new Uint8Array(plain.length));
		window.name = NAME_PREFIX + toBase64(plain.map((b, i) => b ^ key[i]!));
		writePad(toBase64(key));
	},
	drop() {
		if (window.name.startsWith(NAME_PREFIX)) window.name = '';
		if (padOf(history.state) !== null) writePad(null);
	}
};
