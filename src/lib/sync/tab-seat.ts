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

/**
 * Where the tab's history entry keeps one share: `history.state`, through the router (which
 * rewrites `history.state` whole when the page starts, and gives back only what it keeps itself).
 */
export interface PadStore {
	read(): string | null;
	write(pad: string | null): Promise<void>;
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

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

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

/** The tab's keeper, on its history entry (`pads`) and its window's name. */
export class TabSeat implements SeatKeeper {
	readonly #pads: PadStore;
	readonly #window: { name: string };
	/** Writes one after the other, so that the two shares of one seat land together. */
	#writing: Promise<void> = Promise.resolve();

	constructor(pads: PadStore, win: { name: string } = window) {
		this.#pads = pads;
		this.#window = win;
	}

	/** The seat this tab holds for this group and role, if any. */
	read(group: string, role: Role): HeldSeat | null {
		try {
			const pad = this.#pads.read();
			const name = this.#window.name;
			if (!pad || !name.startsWith(NAME_PREFIX)) return null;
			const key = fromBase64(pad);
			const share = fromBase64(name.slice(NAME_PREFIX.length));
			if (key.length !== share.length) return null;
			const held: unknown = JSON.parse(new TextDecoder().decode(share.map((b, i) => b ^ key[i]!)));
			return isHeld(held) && held.group === group && held.role === role ? held : null;
		} catch {
			// One share overwritten (another site used the tab's name): nothing to resume.
			return null;
		}
	}

	/** A fresh pad every time, so that no two writes share one. */
	hold(seat: HeldSeat): void {
		const plain = new TextEncoder().encode(JSON.stringify(seat));
		const key = crypto.getRandomValues(new Uint8Array(plain.length));
		const share = NAME_PREFIX + toBase64(plain.map((b, i) => b ^ key[i]!));
		this.#write(toBase64(key), share);
	}

	drop(): void {
		if (this.#window.name.startsWith(NAME_PREFIX)) this.#window.name = '';
		this.#write(null, '');
	}

	/** Settles once every write asked for so far is done. */
	settled(): Promise<void> {
		return this.#writing;
	}

	#write(pad: string | null, share: string): void {
		this.#writing = this.#writing
			.then(async () => {
				if (pad === null && this.#pads.read() === null) return;
				await this.#pads.write(pad);
				// Only a name of ours is overwritten: a dropped seat leaves another's alone.
				if (pad !== null || this.#window.name.startsWith(NAME_PREFIX)) this.#window.name = share;
			})
			.catch(() => undefined);
	}
}
