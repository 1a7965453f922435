import type { ShownRefusal } from '../i18n/labels';
import type { Action } from '../session/actions';
import { inLeadersChannel, isLeader, type ReplaceableRole, type Role, type ShownAgainRole } from '../session/roles';
import type { SessionState } from '../session/state';
import type { CaseOffer } from '../session/case-call';
import { api, type GroupInfo, type RoleLink, type TicketAnswer } from './api-client';
import type { LeaderChannelView } from './leader-channel.svelte';
import { LeaderChannelDoor } from './leader-channel-door.svelte';
import { LastSession } from './last-session';
import { MediaTokens } from './media-tokens';
import type { MediaGrant } from '../media/media-types';
import type { PlenaryNews } from '../plenary/protocol';
import { SYNC_PATH, type ClientMessage, type ServerMessage, type WaitingPerson } from './protocol';
import { Replica } from './replica';
import { SeatHolding } from './seat-holding';
import type { HeldSeat, SeatKeeper } from './tab-seat';
import { RoomFacts, type LinkReplacement, type OrganiserNotice } from './room-facts.svelte';
import { endingFor, isFinal, type RoomStatus } from './room-status';
import { passphraseTurnedAway, refusedForGood, TicketedSocket, type AfterClose } from './ticketed-socket.svelte';

export type { RoomStatus } from './room-status';

/** What a client knows of its group once the session is over: nothing. */
const NO_GROUP: GroupInfo = Object.freeze({ id: '', name: '', plannedMinutes: 0 });

/**
 * One person's connection to their group's live session: the single owner of the socket
 * (`TicketedSocket`), the read-only replica (`Replica`), what the server said of the room
 * (`RoomFacts`), the last session seen (`LastSession`) and the media tokens on their way.
 * Everything lives in page memory and is wiped when the session ends, or this person is
 * removed, declined or replaced, or the page destroys the client; nothing is written to
 * browser storage. Only the seat may outlive a reload (`SeatHolding`, with the keeper the page
 * gives), held while this person is in or waits and dropped with everything else. Only the
 * final status (and, for `failed`, the problem's code) stays for the screen that says so.
 * Screens read it; only its own methods change it.
 */
export class RoomClient {
	#status = $state<RoomStatus>('idle');
	#state = $state.raw<SessionState | null>(null);
	#problem = $state<string | null>(null);
	#participantId = $state<string | null>(null);
	readonly role: Role;
	#group: GroupInfo;

	#token: string;
	#name = '';
	/** The leaders' passphrase, if this link needs one: in memory, to come back after a server restart. */
	#passphrase: string | undefined;
	readonly #seat: SeatHolding;
	readonly #facts = new RoomFacts();
	readonly #last = new LastSession();
	readonly #tokens = new MediaTokens();
	readonly #leaders: LeaderChannelDoor;
	readonly #replica = new Replica((state) => {
		this.#state = state;
		this.#last.remember(state);
		// A restore after a server restart takes back the old session's id: the seat follows it.
		this.#hold();
	});
	readonly #socket = new TicketedSocket<TicketAnswer>({
		ticket: () => api.ticket(this.#token, this.#name, this.#seat.seat, this.#passphrase),
		address: (answer) => {
			this.#seat.seat = answer.seat;
			// The name the seat carries: the first one given, whatever a later form said.
			this.#name = answer.name;
			this.#participantId = answer.participantId;
			return `${SYNC_PATH}/${this.#group.id}?ticket=${encodeURIComponent(answer.ticket)}`;
		},
		message: (data) => {
			if (typeof data === 'string') this.#onControl(JSON.parse(data) as ServerMessage);
			else this.#replica.apply(new Uint8Array(data));
		},
		closed: (code) => this.#onClose(code),
		ticketFailed: (error) => {
			// Turned away while joining with a passphrase: back to the form to say so. Later (a restart) it is waited out.
			const joining = this.#status === 'joining' && this.#passphrase !== undefined;
			if (!refusedForGood(error) && !(joining && passphraseTurnedAway(error))) return 'retry';
			// A group's passphrase attempts are spent for a quarter of an hour, not a minute.
			this.#problem = error.status === 429 ? 'passphrase-rate-limited' : error.code;
			this.#finish('failed');
			return 'final';
		}
	});

	/** `leadersKey`: the leaders' key from a leader link's fragment, if it has one (sync/leaders-key.ts); `keeper`: where this tab holds its seat for a reload. */
	constructor(token: string, group: GroupInfo, role: Role, leadersKey: string | null = null, keeper: SeatKeeper | null = null) {
		this.#token = token;
		this.#group = group;
		this.role = role;
		this.#leaders = new LeaderChannelDoor(inLeadersChannel(role) ? leadersKey : null, group.id);
		this.#seat = new SeatHolding(keeper);
	}

	get status(): RoomStatus {
		return this.#status;
	}
	get state(): SessionState | null {
		return this.#state;
	}
	/**
	 * Why the connection failed for good, as a code for the screen to translate (`problemText`
	 * in i18n/problems.ts): the API's `error.code`, or `malformed`. Never the server's English.
	 */
	get problem(): string | null {
		return this.#problem;
	}
	get participantId(): string | null {
		return this.#participantId;
	}
	/** This person's name as the server knows it (from their seat once it has answered). */
	get name(): string {
		return this.#name;
	}
	get group(): GroupInfo {
		return this.#group;
	}
	get isLeader(): boolean {
		return isLeader(this.role);
	}
	/** Several tries in a row have not reached the server (before admission the page says so). */
	get retrying(): boolean {
		return this.#socket.retrying;
	}
	get waiting(): WaitingPerson[] {
		return this.#facts.waiting;
	}
	get leaderPresent(): boolean {
		return this.#facts.leaderPresent;
	}
	get refusal(): ShownRefusal | null {
		return this.#facts.refusal;
	}
	get notices(): OrganiserNotice[] {
		return this.#facts.notices;
	}
	get linkReplacements(): LinkReplacement[] {
		return this.#facts.linkReplacements;
	}
	get media(): boolean {
		return this.#facts.media;
	}
	get mediaMoves(): number {
		return this.#facts.mediaMoves;
	}
	get clockOffset(): number {
		return this.#facts.clockOffset;
	}
	/** Who offered a case, in order (leaders only). */
	get caseOffers(): CaseOffer[] {
		return this.#facts.caseOffers;
	}
	/** Whether this member's offer of a case stands. */
	get myCaseOffer(): boolean {
		return this.#facts.myCaseOffer;
	}
	/** The conference's plenary, open or not, as this group's socket heard it. */
	get plenary(): PlenaryNews {
		return this.#facts.plenary;
	}
	/** The leaders' channel (leaders and a supervisor, with the leaders' key in their link, only). */
	get leaderChannel(): LeaderChannelView {
		return this.#leaders;
	}

	/**
	 * Joins with a name, or takes again a seat this tab held before a reload (`held`: no new
	 * admission); `passphrase`, the leaders' one, for a leader link whose group has one.
	 */
	async join(name: string, held?: HeldSeat, passphrase?: string): Promise<void> {
		if (isFinal(this.#status)) return;
		this.#name = name;
		this.#passphrase = passphrase;
		if (held) {
			this.#seat.seat = held.seat;
			this.#last.resumed(held.sessionId);
		}
		this.#status = 'joining';
		await this.#socket.open();
	}

	send(action: Action): void {
		this.#sendOrSay(action);
	}

	/** "I have a case" (or taking it back): held by the server for the leaders' eyes only. */
	offerCase(on: boolean): void {
		this.#sendOrSay({ type: 'offer-case', on });
	}

	/** Seals a message for the leaders' channel and sends the ciphertext; false when it did not go. */
	sendLeaderMessage(text: string): Promise<boolean> {
		this.#facts.refuse(null);
		const me = this.#participantId ?? '';
		const name = this.#state?.participants[me]?.name ?? null;
		return this.#leaders.post(text, (ciphertext) => this.#sendOrSay({ type: 'leader-message', ciphertext }), me, name, Date.now() + this.#facts.clockOffset);
	}

	dismissNotice(id: number): void {
		this.#facts.dismissNotice(id);
	}

	/**
	 * The group's member or observer link, asked for with this leader's link and seat: as it is
	 * now, or replaced (the old one opens nothing from then on). The page adds the keys it holds.
	 */
	roleLink(role: ShownAgainRole, replace: boolean): Promise<RoleLink> {
		return replace ? this.replaceLink(role) : api.currentLink(this.#token, role, this.#seat.seat);
	}

	/**
	 * Replaces one of the group's links. This person's own: they stay (their seat), and any later
	 * ticket in this page goes with the new link, held in memory only, as the old one was.
	 */
	async replaceLink(role: ReplaceableRole): Promise<RoleLink> {
		const answer = await api.replaceLink(this.#token, role, this.#seat.seat);
		if (role === this.role && this.#token) this.#token = answer.token;
		return answer;
	}

	/** The leaders' key this link carried, for a leader link made here; null once the session is over. */
	get leadersKey(): string | null {
		return this.#leaders.key;
	}

	/** A fresh LiveKit token, issued by the server to admitted people only. */
	mediaToken(): Promise<MediaGrant> {
		if (!this.#socket.isOpen) return Promise.reject(new Error('not connected'));
		const grant = this.#tokens.next();
		this.#sendJson({ type: 'media-token' });
		return grant;
	}

	/** Once in the media room: the server grants what this person may publish (tokens carry nothing). */
	mediaJoined(): void {
		this.#sendJson({ type: 'media-joined' });
	}

	leave(): void {
		this.#sendJson({ type: 'leave' });
		this.#finish('left');
	}

	/**
	 * Stops everything this client owns and wipes what it held. The status becomes final
	 * (`closed`, unless it already was), so a join still waiting for its ticket opens no socket.
	 */
	destroy(): void {
		this.#finish('closed');
	}

	#onControl(message: ServerMessage): void {
		switch (message.type) {
			case 'waiting':
			case 'admitted':
				if (this.#last.endedWhileAway(message.endedSessionId)) return this.#finish('ended');
				this.#socket.reached();
				this.#facts.receive(message);
				if (message.type === 'waiting') {
					this.#status = 'waiting';
					this.#hold();
					return;
				}
				this.#replica.start();
				this.#status = 'admitted';
				this.#last.resumed(message.sessionId);
				this.#hold();
				this.#offerRestore(message.sessionId, message.restorable);
				return;
			case 'media-token':
				return this.#tokens.settle({ url: message.url, token: message.token });
			case 'refused':
				if (message.action === 'media-token') return this.#tokens.settle(new Error(message.code));
				break;
			case 'ended':
				return this.#finish('ended');
			case 'leader-message':
				void this.#leaders.receive(message, this.#state?.participants[message.from]?.name ?? null);
				return;
		}
		this.#facts.receive(message);
	}

	/** A fresh room after a server restart may take back the session this browser still holds. */
	#offerRestore(sessionId: string, restorable: boolean): void {
		const offer = this.#last.restoreOffer(sessionId, restorable);
		if (offer) this.#sendJson(offer);
	}

	#onClose(code: number): AfterClose {
		this.#tokens.settle(new Error('disconnected'));
		if (isFinal(this.#status)) return 'final';
		const ending = endingFor(code);
		if (ending) {
			if (ending.problem) this.#problem = ending.problem;
			this.#finish(ending.status);
			return 'final';
		}
		if (this.#status === 'admitted') this.#status = 'reconnecting';
		return 'retry';
	}

	/** Lets the keeper hold what a reload needs to take this seat again: only while the server has let this socket in or wait. */
	#hold(): void {
		if (!isFinal(this.#status)) this.#seat.hold({ group: this.#group.id, role: this.role, name: this.#name, sessionId: this.#last.sessionId });
	}

	/**
	 * Sends what this person asked for. Not queued for later (by then it may no longer be what
	 * they want), but not dropped in silence either: they are told it was not sent.
	 */
	#sendOrSay(message: ClientMessage): boolean {
		this.#facts.refuse(null);
		const sent = this.#sendJson(message);
		if (!sent) this.#facts.refuse('not-connected');
		return sent;
	}

	/** Sends a control message; false when there is no open socket to send it on. */
	#sendJson(message: ClientMessage): boolean {
		return this.#socket.send(JSON.stringify(message));
	}

	/**
	 * A final state: close the socket and wipe everything that names the group or its people.
	 * The first final status stays (a client destroyed after the session ended still says so).
	 */
	#finish(status: RoomStatus): void {
		if (!isFinal(this.#status)) this.#status = status;
		this.#socket.stop();
		this.#tokens.settle(new Error('closed'));
		this.#replica.drop();
		this.#last.forget();
		this.#facts.wipe();
		this.#leaders.wipe();
		this.#state = null;
		this.#participantId = null;
		this.#group = NO_GROUP;
		this.#token = '';
		this.#name = '';
		this.#passphrase = undefined;
		this.#seat.drop();
	}
}
