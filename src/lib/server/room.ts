import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { effectsOfChange } from '../session/effects';
import { mediaSeats } from '../session/fishbowl';
import { arrival, linkReplacedEffects } from '../session/lobby';
import { enterRoom } from '../session/entry';
import { setConnected, setInMedia } from '../session/participants';
import { applyRestore } from '../session/restore';
import { isLeader, type Role } from '../session/roles';
import { applyAction, applyLeave, type Outcome } from '../session/rules';
import { initialState, leaderPresent, type SessionState } from '../session/state';
import { CloseCode } from '../sync/protocol';
import { parseClientMessage } from '../sync/protocol-schema';
import type { GroupSummary } from '../conference/types';
import type { PlenaryNews } from '../plenary/protocol';
import type { MediaTrackInfo } from './media-reconcile';
import { Connections, type Connection } from './room/connections';
import { CaseOffers } from './room/case-offers';
import { DocumentChannel } from './room/document-channel';
import { carryOut, type EffectTargets } from './room/effects';
import { GraceTimer } from './room/grace';
import { relayLeaderMessage } from './room/leader-channel';
import { Lobby } from './room/lobby';
import { MediaSync } from './room/media-sync';
import type { RoomOptionsOf } from './room/options';
import { RestoreMemory } from './room/restore-memory';
import { groupSummary } from './room/summary';
import type { Identity } from './tickets';

export type { GroupSummary };
export type RoomOptions = RoomOptionsOf<Room>;

/**
 * One live session of one group. The room is the only writer of its document: every action
 * goes through the pure rules, which return the new state and its effects, and the room only
 * carries them out (`#carryOut`). Its parts own what they hold (the sockets, the document, the
 * lobby, the media room and its watch, the grace timer); `destroy` releases all of them.
 */
export class Room {
	readonly groupId: string;
	#state: SessionState;
	#destroyed = false;
	readonly #options: RoomOptions;
	readonly #now: () => number;
	readonly #connections: Connections;
	readonly #channel: DocumentChannel;
	readonly #lobby: Lobby;
	readonly #media: MediaSync;
	readonly #restore = new RestoreMemory();
	readonly #offers: CaseOffers;
	readonly #grace: GraceTimer;
	readonly #targets: EffectTargets;

	constructor(groupId: string, plannedMinutes: number, options: RoomOptions) {
		this.groupId = groupId;
		this.#options = options;
		this.#now = options.now ?? Date.now;
		this.#state = initialState(randomBytes(12).toString('base64url'), plannedMinutes, this.#now());
		const { seats, demo, endedSessionId, socketLimits, onCutOff } = options;
		this.#connections = new Connections({
			now: this.#now,
			socketLimits,
			onCutOff,
			onMessage: (conn, data, isBinary) => this.#onMessage(conn, data, isBinary),
			onGone: (conn) => this.#onClose(conn)
		});
		this.#channel = new DocumentChannel(this.#connections, this.#state);
		this.#offers = new CaseOffers(this.#connections);
		this.#lobby = new Lobby(this.#connections, {
			seats,
			demo,
			endedSessionId,
			leaderPresent: () => leaderPresent(this.#state),
			media: () => !!this.#media.service
		});
		this.#media = new MediaSync(this.#connections, {
			groupId,
			media: options.media,
			seats: mediaSeats(seats, !!demo),
			state: () => this.#state,
			admits: (id) => this.#lobby.admits(id),
			commit: (next) => this.#commit(next)
		});
		this.#grace = new GraceTimer(options.graceMs, () => this.destroy());
		this.#targets = {
			connections: this.#connections,
			lobby: this.#lobby,
			media: this.#media,
			restore: this.#restore,
			admit: (conn) => this.#admit(conn),
			end: () => this.end()
		};
	}

	get doc(): Y.Doc {
		return this.#channel.doc;
	}

	/** This session's media room at LiveKit now. */
	get mediaRoom(): string {
		return this.#media.room;
	}

	get state(): SessionState {
		return this.#state;
	}

	get conferenceId(): string | null {
		return this.#options.conferenceId ?? null;
	}

	get connectionCount(): number {
		return this.#connections.size;
	}

	get destroyed(): boolean {
		return this.#destroyed;
	}

	/** What an organiser may know of a group: counts and phase, never names or content. */
	summary(): GroupSummary {
		return groupSummary(this.groupId, this.#state, !this.#destroyed, this.#connections.waiting().length);
	}

	/** The media server is gone: the people in the room see the no-video notice instead. */
	mediaGone(): void {
		this.#media.gone();
	}

	/** A notice from the organiser, shown to this group's leaders and kept nowhere. */
	notice(text: string): void {
		this.#connections.toLeaders({ type: 'notice', text });
	}

	/** The conference's plenary opened or ended: every socket hears of it, in the lobby and in the room. */
	plenary(news: PlenaryNews): void {
		this.#connections.toAll({ type: 'plenary', ...news });
	}

	/** Whether this person has been let into this session (and was not removed, and did not leave). */
	admits(participantId: string): boolean {
		return !this.#destroyed && this.#lobby.admits(participantId);
	}

	/** A leader replaced one of the group's links (`Lobby#linkReplaced`). */
	linkReplaced(role: Role, generation: number): void {
		for (const effect of linkReplacedEffects(this.#lobby.view(), role, generation)) carryOut(effect, this.#targets);
	}

	/** Takes ownership of an authenticated socket. */
	attach(ws: WebSocket, identity: Identity): void {
		if (this.#destroyed) return ws.close(CloseCode.serverShutdown, 'session closed');
		this.#connections.replace(identity.participantId);
		const id = identity.participantId;
		const where = arrival(identity.role, this.#lobby.admits(id), this.#lobby.view(id), this.#lobby.wasRemoved(id));
		if (where === 'removed') return ws.close(CloseCode.removed, 'removed by a leader');
		if (where === 'lobby-full') return ws.close(CloseCode.lobbyFull, 'waiting room full');
		if (where === 'room-full') return ws.close(CloseCode.roomFull, 'room full');
		if (where === 'watchers-full') return ws.close(CloseCode.watchersFull, 'watchers full');
		// After the replacement: dropping the stale socket of the last person in the room
		// starts the empty-room timer, which must not destroy the room under this socket.
		this.#grace.cancel();
		const conn = this.#connections.add(ws, identity);
		if (where === 'enter') return this.#admit(conn);
		this.#connections.send(conn, this.#lobby.waitingMessage());
		this.#tellPlenary(conn);
		this.#lobby.tellLeaders();
		this.#options.onChange?.(this);
	}

	/** The media server reports who is in the media room. */
	setInMedia(participantId: string, inMedia: boolean): void {
		if (!this.#destroyed) this.#commit(setInMedia(this.#state, participantId, inMedia));
	}

	/** LiveKit's webhook: someone joined the media room (`MediaSync#joinedMedia`). */
	joinedMedia(participantId: string): void {
		if (!this.#destroyed) this.#media.joinedMedia(participantId);
	}

	/** LiveKit's webhook: someone published a track (`MediaSync#publishedMedia`). */
	publishedMedia(participantId: string, track: MediaTrackInfo): void {
		if (!this.#destroyed) this.#media.publishedMedia(participantId, track);
	}

	/** Ends the session for everyone: tell, close, forget. */
	end(): void {
		if (this.#destroyed) return;
		// Remembered only when someone was away at the end: only they can come back to it.
		if (Object.values(this.#state.participants).some((p) => !p.connected)) this.#options.onEnded?.(this);
		this.#connections.toAll({ type: 'ended' });
		this.destroy(CloseCode.ended, 'session ended');
	}

	destroy(code: number = CloseCode.serverShutdown, reason = 'session closed'): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#grace.cancel();
		this.#connections.closeAll(code, reason);
		this.#lobby.clear();
		this.#channel.destroy();
		this.#media.destroy();
		this.#options.onDestroyed(this);
		this.#options.onChange?.(this);
	}

	#admit(conn: Connection): void {
		const { participantId, name, role } = conn.identity;
		conn.admitted = true;
		this.#lobby.entered(participantId);
		this.#connections.send(conn, {
			type: 'admitted',
			participantId,
			sessionId: this.#state.sessionId,
			restorable: this.#restore.open && isLeader(role),
			media: !!this.#media.service,
			mediaRoom: this.mediaRoom,
			now: this.#now(),
			endedSessionId: this.#options.endedSessionId
		});
		this.#channel.sendWhole(conn);
		// Someone back under a new id (a closed tab) takes over their former entry (`enterRoom`).
		const entered = enterRoom(this.#state, { id: participantId, name, role });
		if (entered.formerId) this.#offers.takenOver(entered.formerId, participantId);
		this.#commit(this.#restore.handBack(entered.state, participantId));
		for (const effect of entered.effects) carryOut(effect, this.#targets);
		if (isLeader(role)) this.#connections.send(conn, this.#lobby.lobbyMessage());
		this.#offers.greet(conn);
		this.#tellPlenary(conn);
	}

	/** A socket that connects (or is let in) while the conference's plenary is open hears of it. */
	#tellPlenary(conn: Connection): void {
		const conferenceId = this.#options.conferenceId;
		const news = conferenceId ? this.#options.plenaryOf?.(conferenceId) : null;
		if (news?.open) this.#connections.send(conn, { type: 'plenary', open: true, title: news.title });
	}

	#onMessage(conn: Connection, data: Buffer, isBinary: boolean): void {
		if (this.#destroyed || !this.#connections.has(conn)) return;
		try {
			if (isBinary) this.#channel.onFrame(conn, new Uint8Array(data));
			else this.#onControl(conn, data.toString('utf8'));
		} catch {
			// A fault handling one message ends that one connection, never the process.
			this.#connections.drop(conn, 1011, 'internal error');
		}
	}

	#onControl(conn: Connection, text: string): void {
		const message = parseClientMessage(text);
		if (!message) return this.#connections.drop(conn, CloseCode.malformed, 'malformed message');
		if (message.type === 'leave') return this.#leave(conn);
		if (!conn.admitted) return this.#connections.send(conn, { type: 'refused', action: message.type, code: 'not-allowed' });
		const actor = { id: conn.identity.participantId, role: conn.identity.role };
		if (message.type === 'media-token') return this.#media.token(conn);
		if (message.type === 'media-joined') return this.#media.joined(conn);
		if (message.type === 'offer-case') return this.#offers.offer(conn, this.#state, actor, message.on);
		if (message.type === 'leader-message') return relayLeaderMessage(this.#connections, conn, message.ciphertext, this.#now());
		if (message.type === 'restore') {
			return this.#carryOut(conn, message.type, applyRestore(this.#state, actor, message.snapshot, this.#lobby.view(), this.#restore.open, this.#now()));
		}
		this.#carryOut(conn, message.type, applyAction(this.#state, actor, message, this.#now(), this.#lobby.view()));
	}

	/** A refusal goes back to the one who asked; otherwise the new state is written, then each effect is carried out in order. */
	#carryOut(conn: Connection, asked: string, outcome: Outcome): void {
		if (!outcome.ok) return this.#connections.send(conn, { type: 'refused', action: asked, code: outcome.code });
		this.#commit(outcome.state);
		for (const effect of outcome.effects) carryOut(effect, this.#targets);
	}

	#leave(conn: Connection): void {
		const left = applyLeave(this.#state, conn.identity.participantId, conn.admitted);
		this.#commit(left.state);
		for (const effect of left.effects) carryOut(effect, this.#targets);
		this.#connections.drop(conn, 1000, 'left');
	}

	#onClose(conn: Connection): void {
		if (!this.#connections.forget(conn)) return;
		if (this.#destroyed) return;
		const id = conn.identity.participantId;
		if (conn.admitted && !conn.replaced) {
			const stillHere = this.#connections.of(id).some((c) => c.admitted);
			if (!stillHere) this.#commit(setConnected(this.#state, id, false));
		} else {
			this.#lobby.tellLeaders();
			this.#options.onChange?.(this);
		}
		if (this.#connections.size === 0) this.#grace.start();
	}

	/** Writes a new state into the document, then carries out what the change means outside it. */
	#commit(next: SessionState): void {
		if (next === this.#state) return;
		const previous = this.#state;
		this.#state = next;
		this.#channel.write(next);
		for (const effect of effectsOfChange(previous, next)) carryOut(effect, this.#targets);
		this.#offers.follow(previous, next);
		this.#options.onChange?.(this);
	}
}
