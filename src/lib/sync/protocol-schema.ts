import * as v from 'valibot';
import { PHASES } from '../session/phases';

/**
 * The shapes the server accepts from a client. Server-side only (the browser imports the
 * types alone), so valibot stays out of the page bundle.
 */
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
	v.object({ type: v.literal('ask-help'), on: v.boolean() }),
	v.object({ type: v.literal('media-token') }),
	v.object({ type: v.literal('admit'), participantId: id }),
	v.object({ type: v.literal('decline'), participantId: id }),
	v.object({ type: v.literal('remove'), participantId: id }),
	v.object({ type: v.literal('end-session') }),
	v.object({ type: v.literal('restore'), snapshot: SnapshotSchema }),
	v.object({ type: v.literal('leave') })
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;

