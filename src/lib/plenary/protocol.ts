/**
 * The conference plenary's wire, both ways: one room for the whole conference (a journal club,
 * a closing plenary), opened and ended by the organiser, with no Balint phases and no
 * admission. Types only, so the browser may import it; the client messages are defined once by
 * their schema (`protocol-schema.ts`, server-side) and their type inferred there.
 * docs/api.md describes the endpoints and messages.
 */
export type { PlenaryClientMessage } from './protocol-schema';

/**
 * Who someone is in the plenary: the organiser and every group's leaders and co-leaders
 * moderate, members take part, observers (and supervisors) only listen and never publish.
 */
export const PLENARY_ROLES = ['moderator', 'participant', 'listener'] as const;
export type PlenaryRole = (typeof PLENARY_ROLES)[number];

/** The WebSocket path: `/plenary/<conferenceId>?ticket=…`. */
export const PLENARY_PATH = '/plenary';

/** People in one plenary at once: a conference of 50 with its leaders and the organiser fits. */
export const MAX_PLENARY_PEOPLE = 60;

/** A plenary title, as the organiser names it ("Journal club", "Closing plenary"). */
export const MAX_PLENARY_TITLE = 120;

/** One person in the plenary, as every screen sees them. */
export interface PlenaryParticipant {
	id: string;
	name: string;
	role: PlenaryRole;
	/** The name of the group whose link they came with, for the tile; null for the organiser. */
	group: string | null;
	connected: boolean;
	/** Position in the hand queue (from `handCounter`), or null when the hand is down. Lower raised earlier. */
	handRaisedAt: number | null;
	/** In the media room now, as LiveKit's webhook says. */
	inMedia: boolean;
	/** The conference's organiser (a moderator who alone may end the plenary). */
	organiser: boolean;
}

/** The whole plenary, sent to everyone on connect and after every change: 60 people is small. */
export interface PlenaryState {
	title: string;
	/** The server's clock (ms) when the organiser opened it. */
	openedAt: number;
	/** The speaker view a moderator chose for everyone: that person's id, or null for the gallery. */
	pinned: string | null;
	/** Monotonic counter that orders raised hands. */
	handCounter: number;
	participants: Record<string, PlenaryParticipant>;
}

/** Why the server refused a plenary message (translated in the browser). */
export type PlenaryRefusal =
	/** This role may not do this (a participant muting, anyone but the organiser ending). */
	| 'not-allowed'
	/** No such person in the plenary. */
	| 'no-such-person'
	/** A moderator cannot be removed. */
	| 'not-removable'
	/** Listeners never speak: no hand, no pin, nothing to mute. */
	| 'not-a-speaker'
	/** The media server is not configured or not reachable. */
	| 'media-unavailable';

/** Every message the server sends a plenary socket. */
export type PlenaryServerMessage =
	| {
			type: 'plenary-state';
			state: PlenaryState;
			/** This socket's own participant id. */
			you: string;
			/** Whether this installation has video (LiveKit) configured. */
			media: boolean;
			/** The server's clock (ms). */
			now: number;
	  }
	/** The answer to `media-token`: a LiveKit grant for the room `plenary-<conferenceId>`. */
	| { type: 'media'; grant: { url: string; token: string } }
	| { type: 'refused'; action: string; code: PlenaryRefusal }
	/** The organiser ended the plenary; the socket then closes with 4410. */
	| { type: 'ended' };

/** What a group room's sockets (lobby and admitted) hear of their conference's plenary. */
export interface PlenaryNews {
	open: boolean;
	title: string | null;
}
