import type { MediaService } from '../media';
import type { SocketLimits } from '../socket-budget';

/** A room's options; `R` is the room the callbacks are given (`Room`: room.ts, which this file does not import). */
export interface RoomOptionsOf<R> {
	graceMs: number;
	now?: () => number;
	/** LiveKit, when video is configured. */
	media?: MediaService | null;
	/** The conference this group belongs to, for the organiser's overview. */
	conferenceId?: string | null;
	/** Seats in the media room, when the group's size is known; else the media default. */
	seats?: number;
	/** A demonstration group (the workshop fishbowl): room, lobby and media room take 40 observers more. */
	demo?: boolean;
	/** One socket's share of the server; the defaults when not given. */
	socketLimits?: SocketLimits;
	/** Told each time a socket is closed for taking more than its share. */
	onCutOff?: (why: 'flooding' | 'notReading') => void;
	/** This group's session that ended a few minutes ago, for those who were away then. */
	endedSessionId?: string;
	/** Called once when a leader ends the session while someone is away (not when an empty room expires). */
	onEnded?: (room: R) => void;
	/** Called after every change of state and once when the room is destroyed. */
	onChange?: (room: R) => void;
	/** Called once, after the room has destroyed its document and closed its sockets. */
	onDestroyed: (room: R) => void;
}
