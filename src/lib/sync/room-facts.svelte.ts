import type { ShownRefusal } from '../i18n/labels';
import type { Role } from '../session/roles';
import type { CaseOffer } from '../session/case-call';
import type { PlenaryNews } from '../plenary/protocol';
import type { ServerMessage, WaitingPerson } from './protocol';

export interface OrganiserNotice {
	id: number;
	text: string;
}

export interface LinkReplacement {
	role: Role;
	at: number;
}

/**
 * What the server's control messages tell one person about their room, besides the shared
 * document: the lobby, the organiser's notices, replaced links, video, the server's clock.
 * `receive` is the reducer; everything here lives in page memory and `wipe` forgets it.
 */
export class RoomFacts {
	#waiting = $state.raw<WaitingPerson[]>([]);
	#leaderPresent = $state(false);
	#refusal = $state<ShownRefusal | null>(null);
	#notices = $state.raw<OrganiserNotice[]>([]);
	#linkReplacements = $state.raw<LinkReplacement[]>([]);
	#media = $state(false);
	#mediaMoves = $state(0);
	/** The session's media room as the server last said. */
	#mediaRoom: string | null = null;
	#clockOffset = $state(0);
	#caseOffers = $state.raw<CaseOffer[]>([]);
	#myCaseOffer = $state(false);
	#plenary = $state.raw<PlenaryNews>({ open: false, title: null });

	/** People waiting in the lobby (leaders only). */
	get waiting(): WaitingPerson[] {
		return this.#waiting;
	}
	/** In the lobby: whether a leader is there to let this person in. */
	get leaderPresent(): boolean {
		return this.#leaderPresent;
	}
	/** Why the last action was not carried out, as a code for the screen to translate. */
	get refusal(): ShownRefusal | null {
		return this.#refusal;
	}
	/** Notices from the conference organiser (leaders only). */
	get notices(): OrganiserNotice[] {
		return this.#notices;
	}
	/** When a leader replaced one of the group's links, in this session (leaders only). */
	get linkReplacements(): LinkReplacement[] {
		return this.#linkReplacements;
	}
	/** Whether this installation has video; known once admitted. */
	get media(): boolean {
		return this.#media;
	}
	/** How often the session's media room has moved (a removal): the video area follows it. */
	get mediaMoves(): number {
		return this.#mediaMoves;
	}
	/** The server's clock minus this browser's, from the last admission: timers count on it. */
	get clockOffset(): number {
		return this.#clockOffset;
	}

	/** Who offered a case in this case call, in order (leaders only: the server sends it to no one else). */
	get caseOffers(): CaseOffer[] {
		return this.#caseOffers;
	}
	/** Whether this member's own offer of a case stands, as the server holds it. */
	get myCaseOffer(): boolean {
		return this.#myCaseOffer;
	}

	/** The conference's plenary, as the server last said (closed until told otherwise). */
	get plenary(): PlenaryNews {
		return this.#plenary;
	}

	receive(message: ServerMessage): void {
		switch (message.type) {
			case 'waiting':
				this.#leaderPresent = message.leaderPresent;
				this.#media = message.media;
				break;
			case 'admitted':
				// "Not sent" described the outage, which is over: it would only confuse now.
				if (this.#refusal === 'not-connected') this.#refusal = null;
				this.#media = message.media;
				// Back in after a move it missed (its connection was down) or a server restart: follow.
				this.#followMediaRoom(message.mediaRoom);
				this.#clockOffset = message.now - Date.now();
				// Offers may have been cleared while the connection was down: the server sends what stands.
				this.#caseOffers = [];
				this.#myCaseOffer = false;
				break;
			case 'lobby':
				this.#waiting = message.waiting;
				break;
			case 'refused':
				this.#refusal = message.code;
				break;
			case 'notice':
				this.#notices = [...this.#notices, { id: Date.now() + Math.random(), text: message.text }];
				break;
			case 'media':
				this.#media = message.available;
				break;
			case 'media-moved':
				this.#followMediaRoom(message.mediaRoom);
				break;
			case 'link-replaced':
				this.#linkReplacements = [...this.#linkReplacements, { role: message.role, at: Date.now() }];
				break;
			case 'case-offers':
				this.#caseOffers = message.offers;
				break;
			case 'my-case-offer':
				this.#myCaseOffer = message.on;
				break;
			case 'plenary':
				this.#plenary = { open: message.open, title: message.title };
				break;
		}
	}

	/** An action of this person's own: cleared as it goes out, or refused here (`not-connected`). */
	refuse(code: ShownRefusal | null): void {
		this.#refusal = code;
	}

	dismissNotice(id: number): void {
		this.#notices = this.#notices.filter((n) => n.id !== id);
	}

	#followMediaRoom(room: string): void {
		if (this.#mediaRoom !== null && this.#mediaRoom !== room) this.#mediaMoves++;
		this.#mediaRoom = room;
	}

	/** Forgets everything that names the group or its people. */
	wipe(): void {
		this.#waiting = [];
		this.#leaderPresent = false;
		this.#notices = [];
		this.#linkReplacements = [];
		this.#refusal = null;
		this.#media = false;
		this.#clockOffset = 0;
		this.#mediaRoom = null;
		this.#caseOffers = [];
		this.#myCaseOffer = false;
		this.#plenary = { open: false, title: null };
	}
}
