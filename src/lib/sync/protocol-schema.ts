import * as v from 'valibot';
import { PHASES } from '../session/phases';
import { MAX_CASES } from '../session/state';

/**
 * The shapes the server accepts from a client. Server-side only (the browser imports the
 * types alone), so valibot stays out of the page bundle.
 */
const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

export const SnapshotSchema = v.strictObject({
	sessionId: id,
	// `ended` comes only from ending; a restored session is always one that goes on.
	phase: v.picklist(PHASES.filter((p) => p !== 'ended')),
	presenterId: v.nullable(id),
	listening: v.boolean(),
	caseNumber: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CASES)),
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
	v.strictObject({ type: v.literal('next-phase') }),
	// Any string here, so that an unknown phase is refused by the rules with a clear reason.
	v.strictObject({ type: v.literal('set-phase'), phase: v.pipe(v.string(), v.maxLength(40)) }),
	v.strictObject({ type: v.literal('make-presenter'), participantId: v.nullable(id) }),
	v.strictObject({ type: v.literal('set-listening'), listening: v.boolean() }),
	v.strictObject({ type: v.literal('raise-hand') }),
	v.strictObject({ type: v.literal('lower-hand'), participantId: v.optional(id) }),
	v.strictObject({ type: v.literal('share-timers'), shared: v.boolean() }),
	v.strictObject({ type: v.literal('set-camera-rule'), cameraOffWhileListening: v.boolean() }),
	v.strictObject({ type: v.literal('mute'), participantId: id }),
	v.strictObject({ type: v.literal('ask-help'), on: v.boolean() }),
	v.strictObject({ type: v.literal('media-token') }),
	// Sent once in the media room: the server then grants what the session allows (see Room).
	v.strictObject({ type: v.literal('media-joined') }),
	v.strictObject({ type: v.literal('admit'), participantId: id }),
	v.strictObject({ type: v.literal('decline'), participantId: id }),
	v.strictObject({ type: v.literal('decline-new') }),
	v.strictObject({ type: v.literal('remove'), participantId: id }),
	v.strictObject({ type: v.literal('end-session') }),
	v.strictObject({ type: v.literal('restore'), snapshot: SnapshotSchema }),
	v.strictObject({ type: v.literal('leave') })
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
