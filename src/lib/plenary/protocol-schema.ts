import * as v from 'valibot';

/*
 * What a plenary socket may send, defined once; the type is inferred (and re-exported through
 * `protocol.ts`). Server-side only, so valibot stays out of the page. Unknown types or shapes
 * close the socket (4400) and change nothing.
 */
const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

export const PlenaryClientMessageSchema = v.variant('type', [
	v.strictObject({ type: v.literal('raise-hand') }),
	/** One's own hand; a moderator may lower anyone's. */
	v.strictObject({ type: v.literal('lower-hand'), participantId: v.optional(Id) }),
	/** A moderator: the media server mutes that person's microphone (they may unmute themselves). */
	v.strictObject({ type: v.literal('mute'), participantId: Id }),
	/** A moderator: out of the plenary (not another moderator). */
	v.strictObject({ type: v.literal('remove'), participantId: Id }),
	/** A moderator: the speaker view for everyone, or back to the gallery (null). */
	v.strictObject({ type: v.literal('pin'), participantId: v.nullable(Id) }),
	/** The organiser only: the plenary ends for everyone. */
	v.strictObject({ type: v.literal('end') }),
	/** A LiveKit token for the plenary's media room (answered with `media`). */
	v.strictObject({ type: v.literal('media-token') }),
	/** Sent once in the media room: the server then grants what the role allows. */
	v.strictObject({ type: v.literal('media-joined') }),
	/** Leaving on purpose: the entry goes (a lost connection keeps it, marked not connected). */
	v.strictObject({ type: v.literal('leave') })
]);
export type PlenaryClientMessage = v.InferOutput<typeof PlenaryClientMessageSchema>;

/** A text frame's message, or null when it is none a plenary client may send. */
export function parsePlenaryMessage(text: string): PlenaryClientMessage | null {
	try {
		const parsed = v.safeParse(PlenaryClientMessageSchema, JSON.parse(text));
		return parsed.success ? parsed.output : null;
	} catch {
		return null;
	}
}
