import * as v from 'valibot';
import { ActionSchema, RefusalCodeSchema } from '../session/action-schema';
import { ROLES } from '../session/roles';
import { SnapshotSchema } from '../session/snapshot-schema';

export { SnapshotSchema };
export type { Snapshot } from '../session/snapshot-schema';

/*
 * Every JSON message on the wire, both ways, defined once; the types are inferred (and
 * exported through `protocol.ts`). Server-side only (the browser imports the types alone), so
 * valibot stays out of the page bundle.
 */

/** Every message a client may send: the actions, and the few that are not. Unknown types or shapes close the connection. */
export const ClientMessageSchema = v.variant('type', [
	...ActionSchema.options,
	v.strictObject({ type: v.literal('media-token') }),
	// Sent once in the media room: the server then grants what the session allows (see Room).
	v.strictObject({ type: v.literal('media-joined') }),
	v.strictObject({ type: v.literal('restore'), snapshot: SnapshotSchema }),
	v.strictObject({ type: v.literal('leave') }),
	// Not actions: neither changes the shared document. A member's "I have a case" (held by the
	// room for the leaders only: room/case-offers.ts) and a leaders' channel message, encrypted in
	// the sender's browser (room/leader-channel.ts relays it; its size is checked there, to refuse it with a reason).
	v.strictObject({ type: v.literal('offer-case'), on: v.boolean() }),
	v.strictObject({ type: v.literal('leader-message'), ciphertext: v.string() })
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;

/** A text frame's message, or null when it is none a client may send (not JSON, or not one of these shapes). */
export function parseClientMessage(text: string): ClientMessage | null {
	try {
		const parsed = v.safeParse(ClientMessageSchema, JSON.parse(text));
		return parsed.success ? parsed.output : null;
	} catch {
		return null;
	}
}

const RoleSchema = v.picklist(ROLES);

export const WaitingPersonSchema = v.strictObject({
	participantId: v.string(),
	name: v.string(),
	role: RoleSchema,
	/**
	 * Not in this session before: a first arrival, or someone using a link with a name that is
	 * not theirs. A person coming back (their own seat, after a lost connection) is not new.
	 */
	new: v.boolean()
});
export type WaitingPerson = v.InferOutput<typeof WaitingPersonSchema>;

export const CaseOfferSchema = v.strictObject({ participantId: v.string(), name: v.string() });

/** Every message the server sends a client. */
export const ServerMessageSchema = v.variant('type', [
	v.strictObject({
		type: v.literal('waiting'),
		/** The group's session that ended in the last minutes, if any (see `endedSessionId`). */
		endedSessionId: v.optional(v.string()),
		/** Whether a leader is in the room to let people in; sent again when that changes. */
		leaderPresent: v.boolean(),
		/** Whether this installation has video (LiveKit) configured: the lobby offers the device check. */
		media: v.boolean()
	}),
	v.strictObject({
		type: v.literal('admitted'),
		participantId: v.string(),
		sessionId: v.string(),
		/** True while a fresh session may still take a leader's replica after a server restart. */
		restorable: v.boolean(),
		/** Whether this installation has video (LiveKit) configured. */
		media: v.boolean(),
		/**
		 * The session's media room now: a browser still in another one (it missed a move while
		 * its connection was down, or the server restarted) moves to this one.
		 */
		mediaRoom: v.string(),
		/** The server's clock (ms): timers count on it, not on a laptop clock that may be off. */
		now: v.number(),
		/**
		 * The id of this group's session that ended in the last minutes, if any: a client that
		 * was away when it ended learns so, instead of waiting in the next session's lobby.
		 */
		endedSessionId: v.optional(v.string())
	}),
	v.strictObject({ type: v.literal('media-token'), url: v.string(), token: v.string() }),
	// The media server went away while the session runs (the app's own livekit-server gave up): no video from now on.
	v.strictObject({ type: v.literal('media'), available: v.boolean() }),
	// The session's media room moved (a leader removed someone): enter the new one with a fresh token.
	v.strictObject({ type: v.literal('media-moved'), mediaRoom: v.string() }),
	// A short notice from the conference organiser, to leaders only; kept nowhere.
	v.strictObject({ type: v.literal('notice'), text: v.string() }),
	v.strictObject({ type: v.literal('lobby'), waiting: v.array(WaitingPersonSchema) }),
	// To leaders: a leader replaced this link of the group; the old one opens nothing now.
	v.strictObject({ type: v.literal('link-replaced'), role: RoleSchema }),
	v.strictObject({ type: v.literal('refused'), action: v.string(), code: RefusalCodeSchema }),
	// To leaders only: who offered a case in this case call, in order of offering. Never to members.
	v.strictObject({ type: v.literal('case-offers'), offers: v.array(CaseOfferSchema) }),
	// To one member: whether their own offer stands (their toggle, also after a reconnect).
	v.strictObject({ type: v.literal('my-case-offer'), on: v.boolean() }),
	// To the other leaders: a leaders' channel message, with who sent it and the server's time. Ciphertext only; kept nowhere.
	v.strictObject({ type: v.literal('leader-message'), from: v.string(), at: v.number(), ciphertext: v.string() }),
	v.strictObject({ type: v.literal('ended') }),
	// Every socket of a conference group (lobby and room): its plenary is open (on connect, and when the organiser opens it) or ended.
	v.strictObject({ type: v.literal('plenary'), open: v.boolean(), title: v.nullable(v.string()) })
]);
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;
