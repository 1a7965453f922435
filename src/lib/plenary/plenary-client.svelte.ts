import { api, ApiError } from '../sync/api-client';
import type { PlenaryTicketAnswer } from '../sync/api-types';
import { MediaTokens } from '../sync/media-tokens';
import { CloseCode } from '../sync/protocol';
import { refusedForGood, TicketedSocket, type AfterClose } from '../sync/ticketed-socket.svelte';
import type { MediaSession } from '../media/media-types';
import { PLENARY_PATH, type PlenaryClientMessage, type PlenaryRefusal, type PlenaryRole, type PlenaryServerMessage, type PlenaryState } from './protocol';

export type PlenaryStatus = 'idle' | 'joining' | 'in' | 'reconnecting' | 'ended' | 'removed' | 'left' | 'failed' | 'closed';

const FINAL: ReadonlySet<PlenaryStatus> = new Set(['ended', 'removed', 'left', 'failed', 'closed']);

/** Why the last thing this person asked for was not done: the server's refusal, or no connection to send it on. */
export type ShownPlenaryRefusal = PlenaryRefusal | 'not-connected';

/**
 * One person's connection to the conference's plenary: the single owner of its socket
 * (`TicketedSocket`, a fresh single-use ticket before every attempt), the plenary's state as
 * the server last sent it, and the media grants for the plenary's LiveKit room. Everything is
 * page memory and is wiped when the plenary ends, this person is removed or leaves, or the
 * page destroys the client. Screens read it; only its own methods change it.
 */
export class PlenaryClient {
	#status = $state<PlenaryStatus>('idle');
	#state = $state.raw<PlenaryState | null>(null);
	#me = $state<string | null>(null);
	#role = $state<PlenaryRole | null>(null);
	#refusal = $state<ShownPlenaryRefusal | null>(null);
	#problem = $state<string | null>(null);
	#video = $state(false);
	readonly #tokens = new MediaTokens();

	#token: string;
	#name: string;
	/** The signed seat from the first ticket: a reconnect is the same person, not a second tile. */
	#seat: string | undefined;

	readonly #socket = new TicketedSocket<PlenaryTicketAnswer>({
		ticket: () => api.plenaryTicket(this.#token, this.#name, this.#seat),
		address: (answer) => {
			this.#seat = answer.seat;
			this.#name = answer.name;
			this.#me = answer.participantId;
			this.#role = answer.role;
			return `${PLENARY_PATH}/${answer.conferenceId}?ticket=${encodeURIComponent(answer.ticket)}`;
		},
		message: (data) => {
			if (typeof data === 'string') this.#on(JSON.parse(data) as PlenaryServerMessage);
		},
		closed: (code) => this.#onClose(code),
		ticketFailed: (error) => {
			if (!refusedForGood(error)) return 'retry';
			this.#problem = (error as ApiError).code;
			this.#finish(this.#problem === 'plenary-closed' && this.#status === 'reconnecting' ? 'ended' : 'failed');
			return 'final';
		}
	});

	/** `token`: a group link's token of the conference, or the organiser's. */
	constructor(token: string, name: string) {
		this.#token = token;
		this.#name = name;
	}

	get status(): PlenaryStatus {
		return this.#status;
	}
	get state(): PlenaryState | null {
		return this.#state;
	}
	get myId(): string | null {
		return this.#me;
	}
	get role(): PlenaryRole | null {
		return this.#role;
	}
	get name(): string {
		return this.#name;
	}
	get isModerator(): boolean {
		return this.#role === 'moderator';
	}
	/** This person opened the plenary: the organiser, who alone may end it. */
	get isOrganiser(): boolean {
		return !!(this.#me && this.#state?.participants[this.#me]?.organiser);
	}
	get refusal(): ShownPlenaryRefusal | null {
		return this.#refusal;
	}
	/** Why joining failed for good, as the API's code (translated on screen). */
	get problem(): string | null {
		return this.#problem;
	}
	/** Whether this installation has video, as the server said on connecting. */
	get video(): boolean {
		return this.#video;
	}
	get retrying(): boolean {
		return this.#socket.retrying;
	}
	/** The hand of this person is up, as the server holds it. */
	get handUp(): boolean {
		return !!(this.#me && this.#state?.participants[this.#me]?.handRaisedAt != null);
	}

	async join(): Promise<void> {
		if (FINAL.has(this.#status)) return;
		this.#status = 'joining';
		await this.#socket.open();
	}

	raiseHand(): void {
		this.#send({ type: 'raise-hand' });
	}
	/** Lowers this person's own hand, or (a moderator) someone else's. */
	lowerHand(participantId?: string): void {
		this.#send(participantId ? { type: 'lower-hand', participantId } : { type: 'lower-hand' });
	}
	mute(participantId: string): void {
		this.#send({ type: 'mute', participantId });
	}
	remove(participantId: string): void {
		this.#send({ type: 'remove', participantId });
	}
	/** Speaker view for everyone on this person, or (null) back to the gallery. */
	pin(participantId: string | null): void {
		this.#send({ type: 'pin', participantId });
	}
	end(): void {
		this.#send({ type: 'end' });
	}

	/** Leaving on purpose: the server drops this person's entry (a lost connection keeps it). */
	leave(): void {
		this.#socket.send(JSON.stringify({ type: 'leave' } satisfies PlenaryClientMessage));
		this.#finish('left');
	}

	/** What the media room needs: a fresh LiveKit token for each attempt, and a word once in (the server then grants what the role allows). */
	readonly media: MediaSession = {
		token: () => {
			if (!this.#socket.isOpen) return Promise.reject(new Error('not connected'));
			const grant = this.#tokens.next();
			this.#socket.send(JSON.stringify({ type: 'media-token' } satisfies PlenaryClientMessage));
			return grant;
		},
		joined: () => void this.#socket.send(JSON.stringify({ type: 'media-joined' } satisfies PlenaryClientMessage))
	};

	#on(message: PlenaryServerMessage): void {
		switch (message.type) {
			case 'plenary-state':
				this.#socket.reached();
				if (this.#status === 'joining' || this.#status === 'reconnecting') this.#status = 'in';
				if (this.#refusal === 'not-connected') this.#refusal = null;
				this.#me = message.you;
				this.#video = message.media;
				this.#state = message.state;
				return;
			case 'media':
				return this.#tokens.settle(message.grant);
			case 'refused':
				if (message.action === 'media-token') return this.#tokens.settle(new Error(message.code));
				this.#refusal = message.code;
				return;
			case 'ended':
				return this.#finish('ended');
		}
	}

	#onClose(code: number): AfterClose {
		if (FINAL.has(this.#status)) return 'final';
		if (code === CloseCode.ended) {
			this.#finish('ended');
			return 'final';
		}
		if (code === CloseCode.removed) {
			this.#finish('removed');
			return 'final';
		}
		if (code === CloseCode.malformed || code === CloseCode.roomFull) {
			this.#problem = code === CloseCode.roomFull ? 'plenary-full' : 'malformed';
			this.#finish('failed');
			return 'final';
		}
		this.#tokens.settle(new Error('disconnected'));
		if (this.#status === 'in') this.#status = 'reconnecting';
		return 'retry';
	}

	#send(message: PlenaryClientMessage): void {
		this.#refusal = null;
		if (!this.#socket.send(JSON.stringify(message))) this.#refusal = 'not-connected';
	}

	/** A final state: the socket closes, and everything that names the plenary or its people is forgotten. */
	#finish(status: PlenaryStatus): void {
		if (!FINAL.has(this.#status)) this.#status = status;
		this.#socket.stop();
		this.#tokens.settle(new Error('closed'));
		this.#state = null;
		this.#me = null;
		this.#seat = undefined;
		this.#token = '';
	}

	destroy(): void {
		this.#finish('closed');
	}
}
