import { createContext } from 'svelte';
import type { MediaSession } from '../media/media-types';
import type { ShownRefusal } from '../i18n/labels';
import type { Action } from '../session/actions';
import type { CaseOffer } from '../session/case-call';
import { watchingCount } from '../session/fishbowl';
import { inLeadersChannel, type LeaderLinkRole, type Role, type ShownAgainRole } from '../session/roles';
import type { Participant, SessionState } from '../session/state';
import { linkFragment } from '../sync/link-fragment';
import type { RoleLink } from '../sync/api-types';
import type { WaitingPerson } from '../sync/protocol';
import type { LeaderChannelView } from '../sync/leader-channel.svelte';
import type { RoomClient } from '../sync/room-client.svelte';
import type { LinkReplacement, OrganiserNotice } from '../sync/room-facts.svelte';

/**
 * The room as its screens see it, for one person: what the client knows, who this person is
 * in the session, and what they may do. The room's components get it from context
 * (`roomSession()`), read it and call its methods; they never change the client themselves.
 */
export class RoomSession {
	readonly #client: () => RoomClient;
	readonly #mediaKey: () => string | null;
	readonly #plenaryKey: () => string | null;

	/** Read through functions: the page's client and keys are props, which may change. */
	constructor(client: () => RoomClient, mediaKey: () => string | null, plenaryKey: () => string | null = () => null) {
		this.#client = client;
		this.#mediaKey = mediaKey;
		this.#plenaryKey = plenaryKey;
	}

	get session(): SessionState | null {
		return this.#client().state;
	}
	get myId(): string | null {
		return this.#client().participantId;
	}
	get role(): Role {
		return this.#client().role;
	}
	get isLeader(): boolean {
		return this.#client().isLeader;
	}
	/** The connection is down; the session goes on without this person until it is back. */
	get reconnecting(): boolean {
		return this.#client().status === 'reconnecting';
	}
	get refusal(): ShownRefusal | null {
		return this.#client().refusal;
	}
	get waiting(): WaitingPerson[] {
		return this.#client().waiting;
	}
	get notices(): OrganiserNotice[] {
		return this.#client().notices;
	}
	get linkReplacements(): LinkReplacement[] {
		return this.#client().linkReplacements;
	}
	/** The server's clock minus this browser's. */
	get clockOffset(): number {
		return this.#client().clockOffset;
	}
	/** The group's name, from the link's signed facts (shown in the room, never sent back). */
	get groupName(): string {
		return this.#client().group.name;
	}
	/** Part of a conference: leaders can ask its organiser for help. */
	get inConference(): boolean {
		return !!this.#client().group.inConference;
	}
	/** A demonstration group (the workshop fishbowl): observers are a count, not faces. */
	get demo(): boolean {
		return !!this.#client().group.demo;
	}
	/** Whether the installation has video now (the media server may go away mid-session). */
	get videoAvailable(): boolean {
		return this.#client().media;
	}
	/** Counts the session's media room moves: the video area follows each one. */
	get mediaMoves(): number {
		return this.#client().mediaMoves;
	}
	/** Who offered a case in this case call, in order (leaders only). */
	get caseOffers(): CaseOffer[] {
		return this.#client().caseOffers;
	}
	/** Whether this member has said "I have a case" (as the server holds it). */
	get myCaseOffer(): boolean {
		return this.#client().myCaseOffer;
	}
	/** The leaders' channel: whether this link carries its key, and its messages (page memory only). */
	get leaderChannel(): LeaderChannelView {
		return this.#client().leaderChannel;
	}
	/** The group's media key, from this page's link only; null when the link had none. */
	get mediaKey(): string | null {
		return this.#mediaKey();
	}

	readonly me: Participant | undefined = $derived.by(() => {
		const session = this.session;
		const id = this.myId;
		return session && id ? session.participants[id] : undefined;
	});
	/** How many observers watch now (shown in a demonstration group). */
	readonly watching: number = $derived(this.session ? watchingCount(this.session) : 0);
	readonly handUp: boolean = $derived(this.me?.handRaisedAt != null);
	readonly iPresent: boolean = $derived(!!this.session && this.session.presenterId === this.myId);
	/** This person presents and the group is in listening: their microphone stays closed. */
	readonly iListen: boolean = $derived(!!this.session?.listening && this.session.presenterId === this.myId);

	/** What the media room asks of the session: tokens, and a word once it is in. */
	readonly media: MediaSession = {
		token: () => this.#client().mediaToken(),
		joined: () => this.#client().mediaJoined()
	};

	send(action: Action): void {
		this.#client().send(action);
	}

	leave(): void {
		this.#client().leave();
	}

	offerCase(on: boolean): void {
		this.#client().offerCase(on);
	}

	sendLeaderMessage(text: string): Promise<boolean> {
		return this.#client().sendLeaderMessage(text);
	}

	dismissNotice(id: number): void {
		this.#client().dismissNotice(id);
	}

	/**
	 * A member or observer link, completed here: only this page holds the group's media key (and,
	 * in a conference group, the plenary's key, without which the link would open no plenary).
	 */
	async roleLink(role: ShownAgainRole, replace: boolean): Promise<{ url: string; saved: boolean }> {
		return this.#completed(await this.#client().roleLink(role, replace));
	}

	/**
	 * A leader, co-leader or supervisor link replaced from here, completed with the leaders' key
	 * too (without it the new holder could not read the leaders' channel). `own`: this person's
	 * link, whose new form they keep for the next meeting.
	 */
	async replaceLeaderLink(role: LeaderLinkRole): Promise<{ url: string; saved: boolean; own: boolean }> {
		const own = role === this.role;
		return { ...this.#completed(await this.#client().replaceLink(role)), own };
	}

	#completed(answer: RoleLink): { url: string; saved: boolean } {
		const url = new URL(answer.link);
		const leadersKey = inLeadersChannel(answer.role) ? this.#client().leadersKey : null;
		url.hash = linkFragment(answer.token, this.#mediaKey(), leadersKey, this.#plenaryKey());
		return { url: url.toString(), saved: answer.saved };
	}
}

/** The room's view model for the components inside `RoomView`, which sets it. */
export const [roomSession, setRoomSession] = createContext<RoomSession>();
