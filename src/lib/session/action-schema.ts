import * as v from 'valibot';
import { ROLES } from './roles';
import { MAX_ROUND_SPEAKERS } from './state';

/*
 * What a person can ask for, as the server accepts it: each action is defined once, here, and
 * its type is inferred. Server-side only (the browser imports the types alone, through
 * `actions.ts`), so valibot stays out of the page bundle.
 */

/** A participant's or a session's id, as links and seats make them. */
export const IdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));
/** A round's speakers in order, as an action or a replica carries them. */
export const RoundOrderSchema = v.pipe(v.array(IdSchema), v.maxLength(MAX_ROUND_SPEAKERS));

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
	v.strictObject({ type: v.literal('set-hand-rule'), keepHandsUp: v.boolean() }),
	v.strictObject({ type: v.literal('mute'), participantId: IdSchema }),
	v.strictObject({ type: v.literal('ask-help'), on: v.boolean() }),
	v.strictObject({ type: v.literal('admit'), participantId: IdSchema }),
	v.strictObject({ type: v.literal('decline'), participantId: IdSchema }),
	// Declines everyone waiting who has not been in this session before (a flooded lobby).
	v.strictObject({ type: v.literal('decline-new') }),
	v.strictObject({ type: v.literal('remove'), participantId: IdSchema }),
	v.strictObject({ type: v.literal('end-session') }),
	// Anyone's own choice, for themselves only: no picture sent or received.
	v.strictObject({ type: v.literal('set-audio-only'), on: v.boolean() }),
	// Rounds (`rounds.ts`): `order`, when given, is the circle the round goes round from `startWith`.
	v.strictObject({ type: v.literal('start-round'), startWith: IdSchema, order: v.optional(RoundOrderSchema) }),
	v.strictObject({ type: v.literal('round-next') }),
	v.strictObject({ type: v.literal('round-pass') }),
	v.strictObject({ type: v.literal('reorder-round'), order: RoundOrderSchema }),
	v.strictObject({ type: v.literal('end-round') }),
	// Admits everyone waiting, in order of arrival, as far as the room has space; with a role,
	// only those who came with its link (a fishbowl's observers, many at once).
	v.strictObject({ type: v.literal('admit-all'), role: v.optional(v.picklist(ROLES)) })
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
	'room-full',
	// The case call (session/case-call.ts): only members offer a case, and only while the leader asks.
	'offer-members-only',
	'offer-outside-case-call',
	// The leaders' channel (session/leader-channel.ts): a message too long, or not ciphertext at all.
	'leader-message-too-long',
	'leader-message-malformed',
	// Rounds: only the speaker (or a leader) moves a turn on; observers never speak in one.
	'not-your-turn',
	'no-round',
	'not-a-speaker',
	'bad-round-order',
	// A demonstration group's watchers have their own places (`DEMO_OBSERVERS`), and all are taken.
	'watchers-full',
	// A waiting leader is refused only by one who overrules them (`overrules`): never the leader by a co-leader.
	'cannot-refuse-leader'
]);
export type RefusalCode = v.InferOutput<typeof RefusalCodeSchema>;
