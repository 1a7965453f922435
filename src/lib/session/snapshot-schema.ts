import * as v from 'valibot';
import { IdSchema, RoundOrderSchema } from './action-schema';
import { SETTABLE_PHASES } from './phases';
import { MAX_CASES, MAX_ROUND_SPEAKERS } from './state';

/*
 * What a leader's replica offers a fresh room after a server restart, defined once: the
 * schema the server checks it with, the `Snapshot` a browser builds (`snapshotOf`) and the
 * `Restored` fields the rules take back (`restoreSession`) all come from here. Server-side
 * only; the browser imports the types alone.
 */

/** The course of the session, as it stood: no names (those come only from each person's seat). */
export const RestoredSchema = v.strictObject({
	sessionId: IdSchema,
	// `ended` comes only from ending; a restored session is always one that goes on.
	phase: v.picklist(SETTABLE_PHASES),
	presenterId: v.nullable(IdSchema),
	listening: v.boolean(),
	caseNumber: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CASES)),
	startedAt: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
	phaseStartedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
	timersShared: v.boolean(),
	cameraOffWhileListening: v.optional(v.boolean(), false),
	keepHandsUp: v.optional(v.boolean(), false)
});

export const SnapshotSchema = v.strictObject({
	...RestoredSchema.entries,
	/** Who was in the room: they come back without a new admission. */
	admitted: v.pipe(v.array(IdSchema), v.maxLength(64)),
	/** Raised hands, in order of raising. */
	hands: v.pipe(v.array(IdSchema), v.maxLength(64)),
	/** The round under way; its people are checked against who was in the room (`restoredRound`). */
	round: v.optional(
		v.nullable(
			v.strictObject({
				order: RoundOrderSchema,
				current: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_ROUND_SPEAKERS)),
				passed: RoundOrderSchema
			})
		),
		null
	)
});

export type Restored = v.InferOutput<typeof RestoredSchema>;
export type Snapshot = v.InferOutput<typeof SnapshotSchema>;
