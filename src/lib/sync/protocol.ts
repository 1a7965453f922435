import type { RefusalCode } from '../session/actions';
import type { Role } from '../session/roles';
export type { ClientMessage, Snapshot } from './protocol-schema';

/**
 * The wire between a browser and the server, besides Yjs sync.
 * Binary frames carry y-protocols sync messages (server to client only, in effect: the
 * server drops every write a client sends). Text frames carry JSON control messages.
 */

/** Hard cap for any frame; larger frames close the connection (ws answers 1009). */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * People waiting in one group's lobby at once. A Balint group is 5-10 people with a few
 * observers; far more than that means someone holding a member link is flooding the leaders'
 * waiting list, which is then closed to newcomers until the leaders have dealt with it.
 */
export const MAX_WAITING = 40;

/**
 * How many people may be in one room at once: a conference group's seats with a little
 * headroom, otherwise 40 (a Balint group is 5 to 10, with leaders and observers). What a
 * leaked leader link can fill is one room, never the server.
 */
export function roomCapacity(seats?: number): number {
	return seats ? seats + 4 : 40;
}

export const SYNC_PATH = '/sync';
export const OVERVIEW_PATH = '/overview';

/** WebSocket close codes the client understands. */
export const CloseCode = {
	malformed: 4400,
	removed: 4403,
	declined: 4406,
	/** The socket did not read what the server sent it: its send buffer passed its bound. */
	notReading: 4408,
	replaced: 4409,
	ended: 4410,
	/** The link this person came with was replaced by a leader: it opens nothing now. */
	linkReplaced: 4411,
	/** The lobby already holds `MAX_WAITING` people: someone is flooding it. */
	lobbyFull: 4429,
	/** The room holds as many people as it may (`roomCapacity`): someone is flooding it. */
	roomFull: 4413,
	/** The socket sent more than its share (messages per second, or document requests per connection). */
	flooding: 4420,
	serverShutdown: 4503
} as const;

export interface WaitingPerson {
	participantId: string;
	name: string;
	role: Role;
	/**
	 * Not in this session before: a first arrival, or someone using a link with a name that is
	 * not theirs. A person coming back (their own seat, after a lost connection) is not new.
	 */
	new: boolean;
}

export type ServerMessage =
	| {
			type: 'waiting';
			/** The group's session that ended in the last minutes, if any (see `endedSessionId`). */
			endedSessionId?: string;
			/** Whether a leader is in the room to let people in; sent again when that changes. */
			leaderPresent: boolean;
	  }
	| {
			type: 'admitted';
			participantId: string;
			sessionId: string;
			/** True while a fresh session may still take a leader's replica after a server restart. */
			restorable: boolean;
			/** Whether this installation has video (LiveKit) configured. */
			media: boolean;
			/**
			 * The session's media room now: a browser still in another one (it missed a move while
			 * its connection was down, or the server restarted) moves to this one.
			 */
			mediaRoom: string;
			/** The server's clock (ms): timers count on it, not on a laptop clock that may be off. */
			now: number;
			/**
			 * The id of this group's session that ended in the last minutes, if any: a client that
			 * was away when it ended learns so, instead of waiting in the next session's lobby.
			 */
			endedSessionId?: string;
	  }
	| { type: 'media-token'; url: string; token: string }
	/** The media server went away while the session runs (the app's own livekit-server gave up): no video from now on. */
	| { type: 'media'; available: boolean }
	/** The session's media room moved (a leader removed someone): enter the new one with a fresh token. */
	| { type: 'media-moved'; mediaRoom: string }
	/** A short notice from the conference organiser, to leaders only; kept nowhere. */
	| { type: 'notice'; text: string }
	| { type: 'lobby'; waiting: WaitingPerson[] }
	/** To leaders: a leader replaced this link of the group; the old one opens nothing now. */
	| { type: 'link-replaced'; role: Role }
	| { type: 'refused'; action: string; code: RefusalCode }
	| { type: 'ended' };
