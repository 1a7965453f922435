import * as v from 'valibot';
import { PHASES } from '../session/phases';
import type { RefusalCode } from '../session/actions';
import type { Role } from '../session/roles';

/**
 * The wire between a browser and the server, besides Yjs sync.
 * Binary frames carry y-protocols sync messages (server to client only, in effect: the
 * server drops every write a client sends). Text frames carry JSON control messages.
 */

/** Hard cap for any frame; larger frames close the connection (ws answers 1009). */
export const MAX_FRAME_BYTES = 64 * 1024;

export const SYNC_PATH = '/sync';

/** WebSocket close codes the client understands. */
export const CloseCode = {
	malformed: 4400,
	unauthorized: 4401,
	removed: 4403,
	declined: 4406,
	replaced: 4409,
	ended: 4410,
	serverShutdown: 4503
} as const;

const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

export const SnapshotSchema = v.object({
	sessionId: id,
	phase: v.picklist(PHASES),
	presenterId: v.nullable(id),
	listening: v.boolean(),
	caseNumber: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20)),
	startedAt: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
	phaseStartedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
	timersShared: v.boolean(),
	cameraOffWhileListening: v.optional(v.boolean(), false),
	admitted: v.pipe(v.array(id), v.maxLength(64)),
	hands: v.pipe(v.array(id), v.maxLength(64))
});
export type Snapshot = v.InferOutput<typeof SnapshotSchema>;

/** Every message a client may send. Unknown types or shapes close the connection. */
export const ClientMessageSchema = v.variant('type', [
	v.object({ type: v.literal('next-phase') }),
	// Any string here, so that an unknown phase is refused by the rules with a clear reason.
	v.object({ type: v.literal('set-phase'), phase: v.pipe(v.string(), v.maxLength(40)) }),
	v.object({ type: v.literal('make-presenter'), participantId: v.nullable(id) }),
	v.object({ type: v.literal('set-listening'), listening: v.boolean() }),
	v.object({ type: v.literal('raise-hand') }),
	v.object({ type: v.literal('lower-hand'), participantId: v.optional(id) }),
	v.object({ type: v.literal('share-timers'), shared: v.boolean() }),
	v.object({ type: v.literal('set-camera-rule'), cameraOffWhileListening: v.boolean() }),
	v.object({ type: v.literal('mute'), participantId: id }),
	v.object({ type: v.literal('media-token') }),
	v.object({ type: v.literal('admit'), participantId: id }),
	v.object({ type: v.literal('decline'), participantId: id }),
	v.object({ type: v.literal('remove'), participantId: id }),
	v.object({ type: v.literal('end-session') }),
	v.object({ type: v.literal('restore'), snapshot: SnapshotSchema }),
	v.object({ type: v.literal('leave') })
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;

export interface WaitingPerson {
	participantId: string;
	name: string;
	role: Role;
}

export type ServerMessage =
	| { type: 'waiting' }
	| {
			type: 'admitted';
			participantId: string;
			sessionId: string;
			/** True while a fresh session may still take a leader's replica after a server restart. */
			restorable: boolean;
			/** Whether this installation has video (LiveKit) configured. */
			media: boolean;
	  }
	| { type: 'media-token'; url: string; token: string }
	| { type: 'lobby'; waiting: WaitingPerson[] }
	| { type: 'refused'; action: string; code: RefusalCode }
	| { type: 'ended' };
