import type { Effect } from '../../session/effects';
import { releasedLeader } from '../../session/lobby';
import { CloseCode } from '../../sync/protocol';
import type { Connection, Connections } from './connections';
import type { Lobby } from './lobby';
import type { MediaSync } from './media-sync';
import type { RestoreMemory } from './restore-memory';

/** The parts of a room that effects act on, and the two steps that are the room's own. */
export interface EffectTargets {
	connections: Connections;
	lobby: Lobby;
	media: MediaSync;
	restore: RestoreMemory;
	/** Lets a waiting socket into the room. */
	admit: (conn: Connection) => void;
	/** Ends the session for everyone. */
	end: () => void;
}

/**
 * Carries out one effect the rules asked for (`session/effects.ts`), exactly as asked: the
 * decisions were made there. Someone no longer waiting by now (gone meanwhile) is skipped.
 */
export function carryOut(effect: Effect, { connections, lobby, media, restore, admit, end }: EffectTargets): void {
	switch (effect.type) {
		case 'admit': {
			const waiting = connections.waitingOf(effect.participantId);
			if (waiting) admit(waiting);
			return;
		}
		case 'decline':
			for (const id of effect.participantIds) {
				const waiting = connections.waitingOf(id);
				if (waiting) connections.drop(waiting, CloseCode.declined, 'declined');
			}
			return;
		case 'remove':
			lobby.removed(effect.participantId);
			for (const conn of connections.of(effect.participantId)) connections.drop(conn, CloseCode.removed, 'removed');
			return;
		case 'move-media':
			return media.moveAfterRemoval(effect.removedId);
		case 'mute':
			return media.mute(effect.participantId);
		case 'publishing':
			return media.setPublishing(effect.participantId, effect.role, effect.publishing);
		case 'tell-lobby':
			return lobby.tellLeaders();
		case 'tell-waiting': {
			lobby.tellWaiting();
			// The last leader left while a leader waited for them: that one goes in, as arriving now would.
			const released = releasedLeader(lobby.view());
			const conn = released ? connections.waitingOf(released) : undefined;
			if (conn) admit(conn);
			return;
		}
		case 'close-restore':
			return restore.close();
		case 'readmit':
			return lobby.readmit(effect.participantIds);
		case 'keep-hands':
			return restore.keepHands(effect.hands);
		case 'left':
			lobby.left(effect.participantId);
			return media.remove('remove from media', effect.participantId);
		case 'refuse-replaced':
			for (const id of effect.participantIds) {
				const waiting = connections.waitingOf(id);
				if (waiting) connections.drop(waiting, CloseCode.linkReplaced, 'link replaced');
			}
			return;
		case 'tell-link-replaced':
			return connections.toLeaders({ type: 'link-replaced', role: effect.role });
		case 'end':
			return end();
		default: {
			// An effect added to the vocabulary does not compile until it is carried out here.
			const unknown: never = effect;
			return unknown;
		}
	}
}
