import type { Role } from './roles';
import { leaderPresent, publishingFor, type SessionState } from './state';

/**
 * What a rule asks of the world outside the shared state, as data: the rulebook says it, the
 * server's room carries each out in order and decides nothing itself. The vocabulary is small
 * on purpose: a new leader action is one rule, one effect (if any) and one button.
 */
export type Effect =
	/** Let this waiting person into the room. */
	| { type: 'admit'; participantId: string }
	/** Send these waiting people away (closed as declined). */
	| { type: 'decline'; participantIds: string[] }
	/** Forget this person's admission and close their sockets as removed. */
	| { type: 'remove'; participantId: string }
	/** Put a removed person out of the media room and move everyone else to a new one. */
	| { type: 'move-media'; removedId: string }
	/** Ask the media server to mute this person's microphone (advisory: they may unmute). */
	| { type: 'mute'; participantId: string }
	/** What this person may publish changed: the media server, not their browser, enforces it. */
	| { type: 'publishing'; participantId: string; role: Role; publishing: ReturnType<typeof publishingFor> }
	/** The leaders hear who waits now. */
	| { type: 'tell-lobby' }
	/** Those waiting hear whether a leader is there to let them in. */
	| { type: 'tell-waiting' }
	/** This session is under way: a fresh room no longer takes a leader's replica. */
	| { type: 'close-restore' }
	/** These people were in the room before a server restart: they come back without a new admission. */
	| { type: 'readmit'; participantIds: string[] }
	/** Raised hands of people not back yet after a restart, given back when they are admitted. */
	| { type: 'keep-hands'; hands: { participantId: string; handRaisedAt: number }[] }
	/** This person left the session for good (or came back under a new id, `enterRoom`): their admission is forgotten and they leave its media room. */
	| { type: 'left'; participantId: string }
	/** These waiting people came with a link a leader has replaced: sent away (closed as link-replaced). */
	| { type: 'refuse-replaced'; participantIds: string[] }
	/** The leaders hear that one of the group's links was replaced. */
	| { type: 'tell-link-replaced'; role: Role }
	/** End the session for everyone. */
	| { type: 'end' };

/**
 * What any change of the state means outside it, whatever caused it (an action, an arrival, a
 * restore): the presenter's microphone (and camera) at the media server while they listen, and
 * the lobby learning that a leader came or went.
 */
export function effectsOfChange(previous: SessionState, next: SessionState): Effect[] {
	const effects: Effect[] = [];
	const affected = new Set([previous.presenterId, next.presenterId].filter((id): id is string => id !== null));
	// Audio only closes (or reopens) that person's camera at the media server.
	for (const [id, person] of Object.entries(next.participants)) if (person.audioOnly !== (previous.participants[id]?.audioOnly ?? false)) affected.add(id);
	for (const id of affected) {
		const before = publishingFor(previous, id);
		const after = publishingFor(next, id);
		const person = next.participants[id] ?? previous.participants[id];
		if (!person || (before.microphone === after.microphone && before.camera === after.camera)) continue;
		effects.push({ type: 'publishing', participantId: id, role: person.role, publishing: after });
	}
	if (leaderPresent(previous) !== leaderPresent(next)) effects.push({ type: 'tell-waiting' });
	return effects;
}
