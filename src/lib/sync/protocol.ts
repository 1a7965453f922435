/**
 * The wire between a browser and the server, besides Yjs sync.
 * Binary frames carry y-protocols sync messages (server to client only, in effect: the
 * server drops every write a client sends). Text frames carry JSON control messages, each
 * defined once by its schema in `protocol-schema.ts`; from there the browser takes only the
 * types, here, so that valibot stays on the server.
 */
export type { ClientMessage, ServerMessage, Snapshot, WaitingPerson } from './protocol-schema';
export { MAX_WAITING, roomCapacity } from '../session/lobby';

/** Hard cap for any frame; larger frames close the connection (ws answers 1009). */
export const MAX_FRAME_BYTES = 64 * 1024;

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
	serverShutdown: 4503,
	/** A demonstration group's watchers fill their places (`DEMO_OBSERVERS`), in the room and waiting. */
	watchersFull: 4430
} as const;
