/** What a screen without a group socket needs to know of the conference's plenary. */
export interface PlenaryDoorState {
	open: boolean;
	title: string | null;
}

/** How often a screen without a socket asks whether the plenary is open: gently, a conference has 50 people. */
export const PLENARY_POLL_MS = 30_000;

/**
 * Asks the server, every 30 s while a screen is shown, whether the conference's plenary is
 * open (`POST /api/plenary/status`): for the join form and the ended page, which have no group
 * socket to hear it from. The one owner of its timer; `stop` ends it, and a late answer after
 * that changes nothing.
 */
export class PlenaryWatch {
	#state = $state.raw<PlenaryDoorState>({ open: false, title: null });
	readonly #ask: () => Promise<PlenaryDoorState>;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#stopped = false;

	constructor(ask: () => Promise<PlenaryDoorState>) {
		this.#ask = ask;
	}

	get state(): PlenaryDoorState {
		return this.#state;
	}

	start(): void {
		this.#stopped = false;
		void this.#poll();
	}

	async #poll(): Promise<void> {
		try {
			const answer = await this.#ask();
			if (this.#stopped) return;
			this.#state = { open: answer.open, title: answer.title };
		} catch {
			// A refused or lost request says nothing new: the door stays as it was, and the next poll asks again.
		}
		if (!this.#stopped) this.#timer = setTimeout(() => void this.#poll(), PLENARY_POLL_MS);
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
