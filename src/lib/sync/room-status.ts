import { CloseCode } from './protocol';

export type RoomStatus =
	| 'idle'
	| 'joining'
	| 'waiting'
	| 'admitted'
	| 'reconnecting'
	| 'ended'
	| 'left'
	| 'removed'
	| 'declined'
	| 'replaced'
	| 'failed'
	/** Destroyed by its page (navigating away, joining again): nothing more to show. */
	| 'closed';

const FINAL: ReadonlySet<RoomStatus> = new Set(['ended', 'left', 'removed', 'declined', 'replaced', 'failed', 'closed']);

/** A status after which the client never connects again: its page makes a new one to rejoin. */
export const isFinal = (status: RoomStatus): boolean => FINAL.has(status);

/** How a session ends for this person, as the room's socket closes: the status, and for `failed` the problem's code. */
export interface Ending {
	status: RoomStatus;
	problem?: string;
}

const ENDINGS: Readonly<Record<number, Ending>> = {
	[CloseCode.ended]: { status: 'ended' },
	[CloseCode.removed]: { status: 'removed' },
	[CloseCode.declined]: { status: 'declined' },
	[CloseCode.replaced]: { status: 'replaced' },
	[CloseCode.lobbyFull]: { status: 'failed', problem: 'lobby-full' },
	[CloseCode.roomFull]: { status: 'failed', problem: 'room-full' },
	[CloseCode.watchersFull]: { status: 'failed', problem: 'watchers-full' },
	[CloseCode.linkReplaced]: { status: 'failed', problem: 'link-replaced' },
	// The close reason is the server's English ("malformed message"): only the code reaches
	// the screen, translated there.
	[CloseCode.malformed]: { status: 'failed', problem: 'malformed' }
};

/** The ending a close code means, or undefined when the connection was only lost (try again). */
export const endingFor = (code: number): Ending | undefined => ENDINGS[code];
