import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Action } from '../session/actions';
import { isLeader, entersDirectly, type Role } from '../session/roles';
import { addParticipant, removeParticipant, setConnected, setInMedia } from '../session/participants';
import { restoreSession } from '../session/restore';
import { applyAction, mayAct } from '../session/rules';
import { initialState, leaderPresent, publishingFor, type SessionState } from '../session/state';
import { writeState } from '../sync/schema';
import { CloseCode, MAX_WAITING, roomCapacity, type ServerMessage, type WaitingPerson } from '../sync/protocol';
import { parseClientMessage, type Snapshot } from '../sync/protocol-schema';
import { mediaRoomName, retried, type MediaService } from './media';
import { disguisedTrack, reconcileMedia, type MediaTrackInfo } from './media-reconcile';
import { cutOff, metered, sendWithin, SocketBudget, type SocketLimits } from './socket-budget';
import type { Identity } from './tickets';
import type { GroupSummary } from '../conference/types';

export type { GroupSummary };

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

interface Connection {
	ws: WebSocket;
	identity: Identity;
	admitted: boolean;
	/** Closed because the same person connected again: they are not away, so nobody is told so. */
	replaced?: boolean;
	/** When this socket last asked for its publishing rights (one LiveKit call each; see media-joined). */
	grantAskedAt?: number;
	/** What this socket may still ask of the server (`socket-budget.ts`). */
	budget: SocketBudget;
}

export interface RoomOptions {
	graceMs: number;
	now?: () => number;
	/** LiveKit, when video is configured. */
	media?: MediaService | null;
	/** The conference this group belongs to, for the organiser's overview. */
	conferenceId?: string | null;
	/** Seats in the media room, when the group's size is known; else the media default. */
	seats?: number;
	/** One socket's share of the server; the defaults when not given. */
	socketLimits?: SocketLimits;
	/** Told each time a socket is closed for taking more than its share. */
	onCutOff?: (why: 'flooding' | 'notReading') => void;
	/** This group's session that ended a few minutes ago, for those who were away then. */
	endedSessionId?: string;
	/** Called once when a leader ends the session while someone is away (not when an empty room expires). */
	onEnded?: (room: Room) => void;
	/** Called after every change of state and once when the room is destroyed. */
	onChange?: (room: Room) => void;
	/** Called once, after the room has destroyed its document and closed its sockets. */
	onDestroyed: (room: Room) => void;
}

/**
 * One live session of one group: its Yjs document, its sockets, its lobby. The room is the
 * only writer of the document; every change goes through the pure rules first. It owns
 * every socket and timer it holds and releases all of them in `destroy`.
 */
export class Room {
	readonly groupId: string;
	readonly doc = new Y.Doc({ gc: true });
	#state: SessionState;
	readonly #connections = new Set<Connection>();
	/** Who has been admitted to this session (kept while they reconnect). */
	#admitted = new Set<string>();
	/** Who has been in this session at some point and was not removed: not "new" in the lobby. */
	readonly #known = new Set<string>();
	/** A fresh room may take one leader's replica after a server restart. */
	#restorable = true;
	/** Raised hands from a restored replica, for people not back yet: given back on admission. */
	readonly #restoredHands = new Map<string, number>();
	#graceTimer: ReturnType<typeof setTimeout> | null = null;
	/** Holds LiveKit's participant list against the session once video is in use (`#watchMedia`). */
	#mediaWatch: ReturnType<typeof setInterval> | null = null;
	/**
	 * The media room's generation: the next one each time a leader removes someone (`#moveMedia`),
	 * random so that no later session of the group, nor this one after a restart, makes it again.
	 */
	#mediaGeneration: string | null = null;
	#destroyed = false;
	readonly #options: RoomOptions;
	readonly #now: () => number;

	constructor(groupId: string, plannedMinutes: number, options: RoomOptions) {
		this.groupId = groupId;
		this.#options = options;
		this.#now = options.now ?? Date.now;
		this.#state = initialState(randomBytes(12).toString('base64url'), plannedMinutes, this.#now());
		writeState(this.doc, this.#state);
		this.doc.on('update', this.#broadcastUpdate);
	}

	/** This session's media room at LiveKit now. */
	get mediaRoom(): string {
		return mediaRoomName(this.groupId, this.#mediaGeneration);
	}

	get state(): SessionState {
		return this.#state;
	}

	get conferenceId(): string | null {
		return this.#options.conferenceId ?? null;
	}

	/** What an organiser may know of a group: counts and phase, never names or content. */
	summary(): GroupSummary {
		const people = Object.values(this.#state.participants).filter((p) => p.connected);
		return {
			groupId: this.groupId,
			live: !this.#destroyed,
			phase: this.#state.phase,
			members: people.filter((p) => p.role === 'member').length,
			observers: people.filter((p) => p.role === 'observer').length,
			leaderPresent: leaderPresent(this.#state),
			waiting: [...this.#connections].filter((c) => !c.admitted).length,
			startedAt: this.#state.startedAt,
			plannedMinutes: this.#state.plannedMinutes,
			helpRequested: this.#state.helpRequested
		};
	}

	/** The media server is gone: the people in the room see the no-video notice instead. */
	mediaGone(): void {
		for (const conn of this.#connections) if (conn.admitted) this.#send(conn, { type: 'media', available: false });
	}

	/** A notice from the organiser, shown to this group's leaders and kept nowhere. */
	notice(text: string): void {
		for (const conn of this.#connections) {
			if (conn.admitted && isLeader(conn.identity.role)) this.#send(conn, { type: 'notice', text });
		}
	}

	/** Whether this person has been let into this session (and was not removed, and did not leave). */
	admits(participantId: string): boolean {
		return !this.#destroyed && this.#admitted.has(participantId);
	}

	/**
	 * A leader replaced one of the group's links: whoever waits with an older one is sent away
	 * (the flood it brought goes with it), and the leaders are told, the one who did it too.
	 */
	linkReplaced(role: Role, generation: number): void {
		for (const conn of [...this.#connections]) {
			const { identity } = conn;
			if (!conn.admitted && identity.role === role && (identity.linkGeneration ?? 0) < generation) this.#drop(conn, CloseCode.linkReplaced, 'link replaced');
		}
		this.#sendLobby();
		for (const conn of this.#connections) if (conn.admitted && isLeader(conn.identity.role)) this.#send(conn, { type: 'link-replaced', role });
	}

	get connectionCount(): number {
		return this.#connections.size;
	}

	get destroyed(): boolean {
		return this.#destroyed;
	}

	/** Takes ownership of an authenticated socket. */
	attach(ws: WebSocket, identity: Identity): void {
		if (this.#destroyed) {
			ws.close(CloseCode.serverShutdown, 'session closed');
			return;
		}
		// One live socket per person: a reconnect replaces the stale one.
		for (const other of this.#connections) {
			if (other.identity.participantId === identity.participantId) {
				other.replaced = true;
				this.#drop(other, CloseCode.replaced, 'replaced by a newer connection');
			}
		}
		const entersNow = entersDirectly(identity.role) || this.#admitted.has(identity.participantId);
		if (!entersNow && this.#waitingList().length >= MAX_WAITING) {
			ws.close(CloseCode.lobbyFull, 'waiting room full');
			return;
		}
		// Someone already let in keeps their place; a newcomer past the capacity does not get one.
		if (entersNow && !this.#admitted.has(identity.participantId) && this.#full()) {
			ws.close(CloseCode.roomFull, 'room full');
			return;
		}
		// After the replacement: dropping the stale socket of the last person in the room
		// starts the empty-room timer, which must not destroy the room under this socket.
		this.#cancelGrace();
		const conn: Connection = { ws, identity, admitted: false, budget: new SocketBudget(this.#options.socketLimits, this.#now) };
		this.#connections.add(conn);
		metered(
			ws,
			conn.budget,
			() => this.#cutOff(conn, CloseCode.flooding, 'too many messages'),
			(data, isBinary) => this.#onMessage(conn, data as Buffer, isBinary)
		);
		ws.on('close', () => this.#onClose(conn));
		// A protocol fault (bad UTF-8, oversized frame): ws has already closed the socket with its
		// status code (1007, 1009); terminating here would cut that reason off. The close follows.
		ws.on('error', () => undefined);

		if (entersNow) this.#admit(conn);
		else {
			this.#send(conn, this.#waitingMessage());
			this.#sendLobby();
			this.#options.onChange?.(this);
		}
	}

	#admit(conn: Connection): void {
		const { participantId, name, role } = conn.identity;
		conn.admitted = true;
		this.#admitted.add(participantId);
		this.#known.add(participantId);
		this.#send(conn, {
			type: 'admitted',
			participantId,
			sessionId: this.#state.sessionId,
			restorable: this.#restorable && isLeader(role),
			media: !!this.#media(),
			mediaRoom: this.mediaRoom,
			now: this.#now(),
			endedSessionId: this.#options.endedSessionId
		});
		// The whole document, as a sync step 2 against an empty state vector.
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeSyncStep2(encoder, this.doc);
		this.#sendBinary(conn, encoding.toUint8Array(encoder));
		let next = addParticipant(this.#state, { id: participantId, name, role });
		const hand = this.#restoredHands.get(participantId);
		const person = next.participants[participantId];
		if (hand !== undefined && person) {
			this.#restoredHands.delete(participantId);
			next = { ...next, participants: { ...next.participants, [participantId]: { ...person, handRaisedAt: hand } } };
		}
		this.#commit(next);
		if (isLeader(role)) this.#send(conn, { type: 'lobby', waiting: this.#waitingList() });
	}

	#onMessage(conn: Connection, data: Buffer, isBinary: boolean): void {
		if (this.#destroyed || !this.#connections.has(conn)) return;
		try {
			if (isBinary) this.#onSyncFrame(conn, new Uint8Array(data));
			else this.#onControl(conn, data.toString('utf8'));
		} catch {
			// A fault handling one message ends that one connection, never the process.
			this.#drop(conn, 1011, 'internal error');
		}
	}

	/** Yjs frames: answer state requests, drop every write (clients are read-only replicas). */
	#onSyncFrame(conn: Connection, frame: Uint8Array): void {
		try {
			const decoder = decoding.createDecoder(frame);
			const kind = decoding.readVarUint(decoder);
			if (kind === MESSAGE_AWARENESS) return; // presence comes from the server, never from clients
			if (kind !== MESSAGE_SYNC) return this.#drop(conn, CloseCode.malformed, 'unknown message type');
			const step = decoding.readVarUint(decoder);
			if (step !== syncProtocol.messageYjsSyncStep1) return; // step 2 and updates are writes: dropped
			if (!conn.admitted) return;
			const stateVector = decoding.readVarUint8Array(decoder);
			// Each answer encodes what the replica lacks (all of it for an empty one): a browser
			// asks when it connects, a script as often as it can.
			if (!conn.budget.takeSyncRequest()) return this.#cutOff(conn, CloseCode.flooding, 'too many document requests');
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
			encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
			this.#sendBinary(conn, encoding.toUint8Array(encoder));
		} catch {
			this.#drop(conn, CloseCode.malformed, 'malformed sync message');
		}
	}

	#onControl(conn: Connection, text: string): void {
		const message = parseClientMessage(text);
		if (!message) return this.#drop(conn, CloseCode.malformed, 'malformed message');
		if (message.type === 'leave') return this.#leave(conn);
		if (!conn.admitted) return this.#refuse(conn, message.type, 'not-allowed');
		if (message.type === 'restore') return this.#restore(conn, message.snapshot);
		if (message.type === 'media-token') return this.#mediaToken(conn);
		if (message.type === 'media-joined') return this.#mediaJoined(conn);
		this.#act(conn, message);
	}

	#act(conn: Connection, action: Action): void {
		const actor = { id: conn.identity.participantId, role: conn.identity.role };
		if (action.type === 'decline-new') {
			if (!mayAct(actor.role, action.type)) return this.#refuse(conn, action.type, 'not-allowed');
			for (const waiting of [...this.#connections]) {
				if (!waiting.admitted && !this.#known.has(waiting.identity.participantId)) this.#drop(waiting, CloseCode.declined, 'declined');
			}
			this.#restorable = false;
			this.#sendLobby();
			return;
		}
		if (action.type === 'admit' || action.type === 'decline') {
			if (!mayAct(actor.role, action.type)) return this.#refuse(conn, action.type, 'not-allowed');
			const waiting = this.#waitingConnection(action.participantId);
			if (!waiting) return this.#refuse(conn, action.type, 'unknown-participant');
			if (action.type === 'admit' && this.#full()) return this.#refuse(conn, action.type, 'room-full');
			if (action.type === 'admit') this.#admit(waiting);
			else this.#drop(waiting, CloseCode.declined, 'declined');
			this.#restorable = false;
			this.#sendLobby();
			return;
		}
		const outcome = applyAction(this.#state, actor, action, this.#now());
		if (!outcome.ok) return this.#refuse(conn, action.type, outcome.code);
		if (isLeader(actor.role)) this.#restorable = false;
		this.#commit(outcome.state);
		if (action.type === 'remove') {
			this.#admitted.delete(action.participantId);
			this.#known.delete(action.participantId);
			for (const other of [...this.#connections]) {
				if (other.identity.participantId === action.participantId) this.#drop(other, CloseCode.removed, 'removed');
			}
			this.#moveMedia(action.participantId);
		}
		if (action.type === 'mute') this.#mediaCall('mute', (m) => m.muteMicrophone(this.mediaRoom, action.participantId));
		if (action.type === 'end-session') this.end();
	}

	/**
	 * A removed person is put out of the media room, but LiveKit has been refreshing their token
	 * all along (with their rights of the moment), and a page they keep can use it to come back
	 * in for a moment at a time, long enough to see who is there. So the others move to a new
	 * media room: they are told first (their browsers fetch a token for it and enter it, a second
	 * or two without pictures), then the old room is deleted, and every token for it is worthless.
	 */
	#moveMedia(removedId: string): void {
		const old = this.mediaRoom;
		this.#mediaCall('remove', (m) => m.removeParticipant(old, removedId));
		// No token issued in this session yet: nobody holds one to come back with.
		if (!this.#mediaWatch) return;
		this.#mediaGeneration = randomBytes(6).toString('base64url');
		for (const conn of this.#connections) if (conn.admitted) this.#send(conn, { type: 'media-moved', mediaRoom: this.mediaRoom });
		let state = this.#state;
		for (const id of Object.keys(state.participants)) state = setInMedia(state, id, false);
		this.#commit(state);
		// Until it is gone the old room is watched by nobody: its deletion is tried again.
		this.#mediaCall('end the old media room', (m) => retried(() => m.endRoom(old), 6, 250));
	}

	/** A media token only for an admitted person; it carries no right to publish (see `token`). */
	#mediaToken(conn: Connection): void {
		const media = this.#media();
		if (!media) return this.#refuse(conn, 'media-token', 'media-unavailable');
		const { participantId, name, role } = conn.identity;
		this.#watchMedia();
		const room = this.mediaRoom;
		media
			.token(room, { participantId, name, role }, this.#options.seats)
			// The room moved while the token was made: one for the room it is in now.
			.then((token) => (room === this.mediaRoom ? this.#send(conn, { type: 'media-token', url: media.url, token }) : this.#mediaToken(conn)))
			.catch(() => this.#refuse(conn, 'media-token', 'media-unavailable'));
	}

	/**
	 * A browser says it is in the media room now. It enters a few times a session at most (and
	 * LiveKit's webhook says the same): asking more often than every 2 s buys no more LiveKit calls.
	 */
	#mediaJoined(conn: Connection): void {
		const now = Date.now();
		if (conn.grantAskedAt !== undefined && now - conn.grantAskedAt < 2000) return;
		conn.grantAskedAt = now;
		this.#grantPublishing(conn.identity.participantId);
	}

	/** The media server reports who is in the media room. */
	setInMedia(participantId: string, inMedia: boolean): void {
		if (!this.#destroyed) this.#commit(setInMedia(this.#state, participantId, inMedia));
	}

	/**
	 * LiveKit's webhook: someone joined the media room. Only people admitted to this session
	 * may stay: a removed person's token stays valid for minutes. Everyone else gets the rights
	 * the session gives them now (their token carries none, and a change sent before they were
	 * in failed at LiveKit).
	 */
	joinedMedia(participantId: string): void {
		if (this.#destroyed) return;
		const person = this.#state.participants[participantId];
		if (!person || !this.#admitted.has(participantId)) {
			this.#mediaCall('remove from media', (m) => m.removeParticipant(this.mediaRoom, participantId));
			return;
		}
		this.#grantPublishing(participantId);
		this.#commit(setInMedia(this.#state, participantId, true));
	}

	/**
	 * Gives someone in the media room what the session lets them publish now. Called by the
	 * webhook and by the person's own browser once it is in or back (either alone is enough);
	 * repeating it is harmless, and an observer's rights stay "nothing".
	 */
	#grantPublishing(participantId: string): void {
		const person = this.#state.participants[participantId];
		if (!person || !this.#admitted.has(participantId)) return;
		const publishing = publishingFor(this.#state, participantId);
		this.#mediaCall('set publishing', (m) => m.setPublishing(this.mediaRoom, participantId, person.role, publishing));
	}

	/**
	 * LiveKit's webhook: someone published a track. Sound disguised as another source (see
	 * `disguisedTrack`) is how a listening presenter could speak past the media server's check:
	 * whoever does it is put out of the media room at once.
	 */
	publishedMedia(participantId: string, track: MediaTrackInfo): void {
		if (this.#destroyed || !disguisedTrack(track)) return;
		this.#mediaCall('remove for a disguised track', (m) => m.removeParticipant(this.mediaRoom, participantId));
	}

	/**
	 * Once the group uses video, LiveKit's own list of who is in the media room is held against
	 * the session every second (`reconcileMedia`): what the webhooks miss is caught within that.
	 */
	#watchMedia(): void {
		if (this.#mediaWatch || this.#destroyed) return;
		let busy = false;
		this.#mediaWatch = setInterval(() => {
			const media = this.#media();
			if (!media || busy) return;
			busy = true;
			media
				.participants(this.mediaRoom)
				.then((participants) => {
					if (this.#destroyed) return;
					const admitted = (id: string) => (this.#admitted.has(id) && this.#state.participants[id] ? publishingFor(this.#state, id) : null);
					for (const effect of reconcileMedia(participants, admitted)) {
						if (effect.type === 'remove') this.#mediaCall('remove from media', (m) => m.removeParticipant(this.mediaRoom, effect.participantId));
						else this.#grantPublishing(effect.participantId);
					}
				})
				// No room at LiveKit (nobody entered yet, or it closed itself): nothing to hold.
				.catch(() => undefined)
				.finally(() => (busy = false));
		}, 1000);
		this.#mediaWatch.unref?.();
	}

	/** LiveKit, while it is configured and running. */
	#media(): MediaService | null {
		const media = this.#options.media;
		return media?.available ? media : null;
	}

	#mediaCall(what: string, call: (media: MediaService) => Promise<unknown>): void {
		const media = this.#media();
		if (media) media.background(what, () => call(media));
	}

	/**
	 * After a server restart the first leader back offers the replica they still hold. Only a
	 * fresh room takes it, once; names still come only from each person's own signed seat.
	 */
	#restore(conn: Connection, snapshot: Snapshot): void {
		if (!isLeader(conn.identity.role) || !this.#restorable) return this.#refuse(conn, 'restore', 'not-allowed');
		this.#restorable = false;
		for (const id of snapshot.admitted) this.#admitted.add(id);
		let state = restoreSession(this.#state, snapshot, this.#now());
		snapshot.hands.forEach((id, index) => {
			const person = state.participants[id];
			if (person) state = { ...state, participants: { ...state.participants, [id]: { ...person, handRaisedAt: index + 1 } } };
			else this.#restoredHands.set(id, index + 1);
		});
		state.handCounter = snapshot.hands.length;
		this.#commit(state);
		for (const waiting of [...this.#connections]) {
			if (!waiting.admitted && this.#admitted.has(waiting.identity.participantId) && !this.#full()) this.#admit(waiting);
		}
		this.#sendLobby();
	}

	#leave(conn: Connection): void {
		if (conn.admitted) {
			const { participantId } = conn.identity;
			this.#admitted.delete(participantId);
			this.#commit(removeParticipant(this.#state, participantId));
			// Leaving the session is leaving its media room too.
			this.#mediaCall('remove from media', (m) => m.removeParticipant(this.mediaRoom, participantId));
		}
		this.#drop(conn, 1000, 'left');
	}

	#onClose(conn: Connection): void {
		if (!this.#connections.delete(conn)) return;
		if (this.#destroyed) return;
		const id = conn.identity.participantId;
		if (conn.admitted && !conn.replaced) {
			const stillHere = [...this.#connections].some((c) => c.identity.participantId === id && c.admitted);
			if (!stillHere) this.#commit(setConnected(this.#state, id, false));
		} else {
			this.#sendLobby();
			this.#options.onChange?.(this);
		}
		if (this.#connections.size === 0) this.#startGrace();
	}

	/** Ends the session for everyone: tell, close, forget. */
	end(): void {
		if (this.#destroyed) return;
		// Remembered only when someone was away at the end: only they can come back to it.
		if (Object.values(this.#state.participants).some((p) => !p.connected)) this.#options.onEnded?.(this);
		for (const conn of this.#connections) this.#send(conn, { type: 'ended' });
		this.destroy(CloseCode.ended, 'session ended');
	}

	destroy(code: number = CloseCode.serverShutdown, reason = 'session closed'): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#cancelGrace();
		if (this.#mediaWatch) clearInterval(this.#mediaWatch);
		this.#mediaWatch = null;
		for (const conn of [...this.#connections]) conn.ws.close(code, reason);
		this.#connections.clear();
		this.#admitted.clear();
		this.doc.off('update', this.#broadcastUpdate);
		this.doc.destroy();
		// Not tried again: the group's next session may create a room of this name meanwhile.
		this.#mediaCall('end room', (m) => m.endRoom(this.mediaRoom));
		this.#options.onDestroyed(this);
		this.#options.onChange?.(this);
	}

	#commit(next: SessionState): void {
		if (next === this.#state) return;
		const previous = this.#state;
		this.#state = next;
		writeState(this.doc, next);
		this.#syncPublishing(previous, next);
		if (leaderPresent(previous) !== leaderPresent(next)) this.#tellWaiting();
		this.#options.onChange?.(this);
	}

	#waitingMessage(): ServerMessage {
		return { type: 'waiting', endedSessionId: this.#options.endedSessionId, leaderPresent: leaderPresent(this.#state) };
	}

	/** People in the lobby learn when a leader arrives or goes: someone is there to let them in, or not yet. */
	#tellWaiting(): void {
		const message = this.#waitingMessage();
		for (const conn of this.#connections) if (!conn.admitted) this.#send(conn, message);
	}

	/** The media server, not the client, closes the presenter's microphone while they listen. */
	#syncPublishing(previous: SessionState, next: SessionState): void {
		if (!this.#media()) return;
		const affected = new Set([previous.presenterId, next.presenterId].filter((id): id is string => id !== null));
		for (const id of affected) {
			const before = publishingFor(previous, id);
			const after = publishingFor(next, id);
			const person = next.participants[id] ?? previous.participants[id];
			if (!person || (before.microphone === after.microphone && before.camera === after.camera)) continue;
			this.#mediaCall('set publishing', (m) => m.setPublishing(this.mediaRoom, id, person.role, after));
		}
	}

	readonly #broadcastUpdate = (update: Uint8Array): void => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeUpdate(encoder, update);
		const frame = encoding.toUint8Array(encoder);
		for (const conn of this.#connections) if (conn.admitted) this.#sendBinary(conn, frame);
	};

	/** As many people in the room as it may hold (`roomCapacity`). */
	#full(): boolean {
		let inRoom = 0;
		for (const conn of this.#connections) if (conn.admitted) inRoom++;
		return inRoom >= roomCapacity(this.#options.seats);
	}

	#waitingConnection(participantId: string): Connection | undefined {
		return [...this.#connections].find((c) => !c.admitted && c.identity.participantId === participantId);
	}

	#waitingList(): WaitingPerson[] {
		return [...this.#connections]
			.filter((c) => !c.admitted)
			.map((c) => ({ participantId: c.identity.participantId, name: c.identity.name, role: c.identity.role, new: !this.#known.has(c.identity.participantId) }));
	}

	/** The lobby is leaders' business: only they hear who waits. */
	#sendLobby(): void {
		const message: ServerMessage = { type: 'lobby', waiting: this.#waitingList() };
		for (const conn of this.#connections) {
			if (conn.admitted && isLeader(conn.identity.role)) this.#send(conn, message);
		}
	}

	#refuse(conn: Connection, action: string, code: Extract<ServerMessage, { type: 'refused' }>['code']): void {
		this.#send(conn, { type: 'refused', action, code });
	}

	#send(conn: Connection, message: ServerMessage): void {
		this.#sendRaw(conn, JSON.stringify(message));
	}

	#sendBinary(conn: Connection, frame: Uint8Array): void {
		this.#sendRaw(conn, frame);
	}

	#sendRaw(conn: Connection, data: string | Uint8Array): void {
		sendWithin(conn.ws, conn.budget, data, () => this.#cutOff(conn, CloseCode.notReading, 'not reading'));
	}

	#drop(conn: Connection, code: number, reason: string): void {
		conn.ws.close(code, reason);
		// Treat it as gone now; the close event may come later.
		this.#onClose(conn);
	}

	/**
	 * Drops a socket that took more than its share, and does not wait for its side of the
	 * closing handshake: whatever else it sends is never read.
	 */
	#cutOff(conn: Connection, code: typeof CloseCode.flooding | typeof CloseCode.notReading, reason: string): void {
		if (!this.#connections.has(conn)) return;
		this.#options.onCutOff?.(code === CloseCode.flooding ? 'flooding' : 'notReading');
		cutOff(conn.ws, code, reason);
		// Treat it as gone now; the close event may come later.
		this.#onClose(conn);
	}

	#startGrace(): void {
		this.#cancelGrace();
		this.#graceTimer = setTimeout(() => this.destroy(), this.#options.graceMs);
		this.#graceTimer.unref?.();
	}

	#cancelGrace(): void {
		if (this.#graceTimer) clearTimeout(this.#graceTimer);
		this.#graceTimer = null;
	}
}
