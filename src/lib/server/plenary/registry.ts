import type { PlenaryStatus } from '../../sync/api-types';
import type { MediaService } from '../media';
import type { SocketLimits } from '../socket-budget';
import { PlenaryRoom } from './plenary-room';

/** Plenaries open at once in one process: far more conferences than one server holds. */
export const MAX_OPEN_PLENARIES = 200;

export const CLOSED_PLENARY: PlenaryStatus = { open: false, title: null, headcount: 0 };

/** What the organiser's overview may do with a conference's plenary (`ConferenceHub`). */
export interface PlenaryControl {
	/** Opens it, or renames it when open; false when the server holds all the plenaries it may. */
	open(conferenceId: string, title: string): boolean;
	end(conferenceId: string): void;
	status(conferenceId: string): PlenaryStatus;
}

export interface PlenaryRegistryOptions {
	media: MediaService | null;
	socketLimits?: SocketLimits;
	/** Told when a plenary opens, ends, is renamed or its headcount changes (the conference bus carries it on). */
	onStatus: (conferenceId: string, status: PlenaryStatus) => void;
	onCutOff?: (why: 'flooding' | 'notReading') => void;
	/** How long an open plenary nobody is in stays open (`PLENARY_IDLE_MS` unless given). */
	idleMs?: number;
}

/** Owns every open plenary, at most one per conference; a plenary leaves it when it ends. */
export class PlenaryRegistry implements PlenaryControl {
	readonly #plenaries = new Map<string, PlenaryRoom>();
	readonly #options: PlenaryRegistryOptions;
	/** The last status told per open plenary, so that a raised hand tells the bus nothing. */
	readonly #told = new Map<string, string>();

	constructor(options: PlenaryRegistryOptions) {
		this.#options = options;
	}

	get size(): number {
		return this.#plenaries.size;
	}

	get(conferenceId: string): PlenaryRoom | undefined {
		return this.#plenaries.get(conferenceId);
	}

	status(conferenceId: string): PlenaryStatus {
		const plenary = this.#plenaries.get(conferenceId);
		return plenary ? { open: true, title: plenary.title, headcount: plenary.headcount } : CLOSED_PLENARY;
	}

	open(conferenceId: string, title: string): boolean {
		const existing = this.#plenaries.get(conferenceId);
		if (existing) {
			existing.retitle(title);
			return true;
		}
		if (this.#plenaries.size >= MAX_OPEN_PLENARIES) return false;
		const plenary = new PlenaryRoom(conferenceId, title, {
			media: this.#options.media,
			socketLimits: this.#options.socketLimits,
			onCutOff: this.#options.onCutOff,
			idleMs: this.#options.idleMs,
			onChange: (p) => this.#tell(p.conferenceId),
			onEnded: (p) => {
				if (this.#plenaries.get(p.conferenceId) === p) this.#plenaries.delete(p.conferenceId);
				this.#tell(p.conferenceId);
			}
		});
		this.#plenaries.set(conferenceId, plenary);
		this.#tell(conferenceId);
		return true;
	}

	end(conferenceId: string): void {
		this.#plenaries.get(conferenceId)?.end();
	}

	#tell(conferenceId: string): void {
		const status = this.status(conferenceId);
		const text = JSON.stringify(status);
		if (this.#told.get(conferenceId) === text) return;
		if (status.open) this.#told.set(conferenceId, text);
		else this.#told.delete(conferenceId);
		this.#options.onStatus(conferenceId, status);
	}

	/** The server stops: every plenary's sockets closed, its media room deleted. */
	closeAll(): void {
		for (const plenary of this.#plenaries.values()) plenary.destroy();
		this.#plenaries.clear();
		this.#told.clear();
	}
}
