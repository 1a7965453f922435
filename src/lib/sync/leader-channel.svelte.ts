import { MAX_LEADER_TEXT } from '../session/leader-channel';
import { channelKey, openMessage, sealMessage } from './leaders-key';

/** One message of the leaders' channel, as this leader's screen shows it. */
export interface LeaderMessage {
	id: number;
	/** The sender's participant id, as the server says (from their ticket). */
	from: string;
	/** The sender's name in the roster when the message came; null if they are no longer there. */
	name: string | null;
	/** The server's time (ms) of the message. */
	at: number;
	/** The text; null when it could not be opened with this link's key (another key, or changed on the way). */
	text: string | null;
	mine: boolean;
}

/** What the leaders' channel says on screen: whether this link can use it, and its messages. */
export interface LeaderChannelView {
	readonly available: boolean;
	readonly messages: readonly LeaderMessage[];
}

/**
 * This leader's end of the leaders' channel: the key (from the link's fragment, derived for this
 * group), sealing what they send and opening what the server relays. Messages live in page
 * memory only, in order of the server's time; `wipe` forgets them and the key.
 */
export class LeaderChannel implements LeaderChannelView {
	#key: Promise<CryptoKey> | null;
	#groupId: string;
	#messages = $state.raw<LeaderMessage[]>([]);
	#ids = 0;
	/** Bumped by `wipe`: a message still being opened then is dropped, not shown after the end. */
	#generation = 0;

	/** `leadersKey` from the link's fragment; null for a link without one (or anyone but a leader). */
	constructor(leadersKey: string | null, groupId: string) {
		this.#groupId = groupId;
		this.#key = leadersKey ? channelKey(leadersKey, groupId) : null;
		// A key that is no key (a damaged fragment) fails on first use, where it is reported.
		this.#key?.catch(() => undefined);
	}

	get available(): boolean {
		return this.#key !== null;
	}

	get messages(): readonly LeaderMessage[] {
		return this.#messages;
	}

	/**
	 * The text sealed for the wire by `from` (this leader's participant id), or null when this link
	 * has no key or the text is empty or too long. The sender is bound in with the group (`context`),
	 * so a server that relabels whom a message came from gets it shown as unreadable, not misattributed.
	 */
	async seal(text: string, from: string): Promise<string | null> {
		const trimmed = text.trim();
		if (!this.#key || !trimmed || trimmed.length > MAX_LEADER_TEXT) return null;
		try {
			return await sealMessage(await this.#key, this.#context(from), trimmed);
		} catch {
			return null;
		}
	}

	/** This leader's own message, shown as it goes out (the server relays it to the others only). */
	sent(from: string, name: string | null, text: string, at: number): void {
		this.#add({ from, name, at, text: text.trim(), mine: true });
	}

	/** A message the server relayed from another leader. */
	async receive(message: { from: string; at: number; ciphertext: string }, name: string | null): Promise<void> {
		if (!this.#key) return;
		const generation = this.#generation;
		let text: string | null;
		try {
			text = await openMessage(await this.#key, this.#context(message.from), message.ciphertext);
		} catch {
			text = null;
		}
		if (generation === this.#generation) this.#add({ from: message.from, name, at: message.at, text, mine: false });
	}

	/** Forgets every message and the key: the session is over for this person. */
	wipe(): void {
		this.#generation++;
		this.#messages = [];
		this.#key = null;
		this.#groupId = '';
	}

	/** What each message is bound to besides its key: the group, and who sent it. */
	#context(from: string): string {
		return `${this.#groupId}\u0000${from}`;
	}

	#add(message: Omit<LeaderMessage, 'id'>): void {
		const entry = { ...message, id: ++this.#ids };
		// Opening takes a moment: keep the server's order even if a later one opened first.
		this.#messages = [...this.#messages, entry].sort((a, b) => a.at - b.at || a.id - b.id);
	}
}
