import type { LeaderChannel, LeaderChannelView, LeaderMessage } from './leader-channel.svelte';

const NONE: readonly LeaderMessage[] = Object.freeze([]);

/**
 * The leaders' channel as the connection holds it: the channel and its crypto are fetched only
 * when a leader whose link carries the key first sends or receives, so they weigh nothing on
 * the join form and in the lobby (issue 4: at most 80 kB before the room). Whether the channel
 * is available is known at once, from the key.
 */
export class LeaderChannelDoor implements LeaderChannelView {
	#key: string | null;
	readonly #groupId: string;
	#channel = $state.raw<LeaderChannel | null>(null);
	#loading: Promise<LeaderChannel | null> | null = null;
	#wiped = $state(false);

	constructor(leadersKey: string | null, groupId: string) {
		this.#key = leadersKey;
		this.#groupId = groupId;
	}

	get available(): boolean {
		return !this.#wiped && this.#key !== null;
	}

	/** The key itself, for a leader, co-leader or supervisor link a leader replaces from the room. */
	get key(): string | null {
		return this.#wiped ? null : this.#key;
	}

	get messages(): readonly LeaderMessage[] {
		return this.#channel?.messages ?? NONE;
	}

	async seal(text: string, from: string): Promise<string | null> {
		return (await this.#open())?.seal(text, from) ?? null;
	}

	/** Seals this leader's message and hands the ciphertext to `send`; once sent, it shows as theirs. False when it did not go. */
	async post(text: string, send: (ciphertext: string) => boolean, from: string, name: string | null, at: number): Promise<boolean> {
		const ciphertext = await this.seal(text, from);
		if (!ciphertext || !send(ciphertext)) return false;
		this.#channel?.sent(from, name, text, at);
		return true;
	}

	async receive(message: { from: string; at: number; ciphertext: string }, name: string | null): Promise<void> {
		await (await this.#open())?.receive(message, name);
	}

	wipe(): void {
		this.#wiped = true;
		this.#key = null;
		this.#channel?.wipe();
		this.#channel = null;
	}

	#open(): Promise<LeaderChannel | null> {
		const key = this.#key;
		if (!key || this.#wiped) return Promise.resolve(null);
		return (this.#loading ??= import('./leader-channel.svelte').then(({ LeaderChannel }) =>
			this.#wiped ? null : (this.#channel = new LeaderChannel(key, this.#groupId))
		));
	}
}
