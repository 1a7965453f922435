import * as v from 'valibot';

/*
 * What a person can ask for, as the server accepts it: each action is defined once, here, and
 * its type is inferred. Server-side only (the browser imports the types alone, through
 * `actions.ts`), so valibot stays out of the page bundle.
 */

/** A participant's or a session's id, as links and seats make them. */
export const IdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

export const ActionSchema = v.variant('type', [
	v.strictObject({ type: v.literal('next-phase') }),
	// Any string here, so that an unknown phase is refused by the rules with a clear reason.
	v.strictObject({ type: v.literal('set-phase'), phase: v.pipe(v.string(), v.maxLength(40)) }),
	v.strictObject({ type: v.literal('make-presenter'), participantId: v.nullable(IdSchema) }),
	v.strictObject({ type: v.literal('set-listening'), listening: v.boolean() }),
	v.strictObject({ type: v.literal('raise-hand') }),
	v.strictObject({ type: v.literal('lower-hand'), participantId: v.optional(IdSchema) }),
	v.strictObject({ type: v.literal('share-timers'), shared: v.boolean() }),
	v.strictObject({ type: v.literal('set-camera-rule'), cameraOffWhileListening: v.boolean() }),
	v.strictObject({ type: v.literal('mute'), participantId: IdSchema }),
	v.strictObject({ type: v.literal('ask-help'), on: v.boolean() }),
	v.strictObject({ type: v.literal('admit'), participantId: IdSchema }),
	v.strictObject({ type: v.literal('decline'), participantId: IdSchema }),
	// Declines everyone waiting who has not been in this session before (a flooded lobby).
	v.strictObject({ type: v.literal('decline-new') }),
	v.strictObject({ type: v.literal('remove'), participantId: IdSchema }),
	v.strictObject({ type: v.literal('end-session') }),
	// Admits everyone waiting, in order of arrival, as far as the room has space.
	v.strictObject({ type: v.literal('admit-all') })
]);

/** What a person can ask for. The server checks each against the rules before anything changes. */
export type Action = v.InferOutput<typeof ActionSchema>;
export type ActionType = Action['type'];

/** Why an action was refused: stable codes, translated on screen. */
export const RefusalCodeSchema = v.picklist([
	'not-allowed',
	'session-ended',
	'unknown-phase',
	'no-next-phase',
	'unknown-participant',
	'not-a-member',
	'no-presenter',
	'presenter-listening',
	'cannot-remove-leader',
	'media-unavailable',
	// The room holds as many people as it may (`roomCapacity`).
	'room-full'
]);
export type RefusalCode = v.InferOutput<typeof RefusalCodeSchema>;
