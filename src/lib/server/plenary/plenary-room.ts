import type { WebSocket } from 'ws';
import { MAX_PLENARY_PEOPLE, type PlenaryRole, type PlenaryServerMessage, type PlenaryState } from '../../plenary/protocol';
import { parsePlenaryMessage } from '../../plenary/protocol-schema';
import {
	applyPlenaryAction,
	disconnected,
	enterPlenary,
	headcount,
	initialPlenary,
	leavePlenary,
	setPlenaryInMedia,
	type PlenaryEffect
} from '../../plenary/rules';
import { CloseCode } from '../../sync/protocol';
import { MAX_MEDIA_SEATS } from '../../session/state';
import type { MediaService } from '../media';
import type { MediaTrackInfo } from '../media-reconcile';
import { Connections, type Connection } from '../room/connections';
import type { SocketLimits } from '../socket-budget';
import { PlenaryMedia } from './media';

/** Who a plenary ticket admits: facts the server checked at the exchange, from the link or the organiser token. */
export interface PlenaryIdentity {
	conferenceId: string;
	participantId: string;
	name: string;
	role: PlenaryRole;
	organiser: boolean;
	/** The name of the group whose link it came from; null for the organiser. */
	group: string | null;
	/**
	 * The share of the plenary this person's link may fill (`plenaryShare`): the group's id and
	 * part, and how many of them may be in at once. Null for the organiser.
	 */
	share: { key: string; places: number } | null;
}

/**
 * How many of one group's part may be in the plenary at once: its leaders (two, and room for a
 * new tab), its members (the group's seats when its link says them), its observers. So one
 * leaked or misused link fills its own group's places, never the conference's 60.
 */
export function plenaryShare(groupId: string, role: PlenaryRole, seats: number | undefined): { key: string; places: number } {
	const places = role === 'moderator' ? 4 : role === 'participant' ? (seats ?? MAX_MEDIA_SEATS) : 6;
	return { key: `${groupId}/${role}`, places };
}

export interface PlenaryRoomOptions {
	media: MediaService | null;
	socketLimits?: SocketLimits;
	now?: () => number;
	/** After every change (the overview's headcount follows it). */
	onChange: (room: PlenaryRoom) => void;
	/** Once, when it has ended and let go of everything. */
	onEnded: (room: PlenaryRoom) => void;
	onCutOff?: (why: 'flooding' | 'notReading') => void;
	/** How long it stays open with nobody in it before it ends by itself (`PLENARY_IDLE_MS`). */
	idleMs?: number;
}

/** An open plenary nobody is in ends after this: an organiser who forgot, or one who cannot come back. */
export const PLENARY_IDLE_MS = 2 * 3_600_000;

type PlenaryConnection = Connection<PlenaryIdentity>;

/**
 * One conference's plenary, in memory only: its sockets (`room/connections.ts`, the groups'
 * budgets and send bound), its state, and its media room. Every message goes through the pure
 * rules (`plenary/rules.ts`); the room only carries out their effects. Everyone enters at once
 * (their link proves they belong to the conference) and is sent the whole state after every
 * change. `end` tells everyone, closes every socket (4410), deletes the media room and forgets.
 */
export class PlenaryRoom {
	readonly conferenceId: string;
	#state: PlenaryState;
	#ended = false;
	readonly #options: PlenaryRoomOptions;
	readonly #now: () => number;
	/** Running while nobody is in: at its end the plenary ends (`PLENARY_IDLE_MS`). */
	#idle: ReturnType<typeof setTimeout> | undefined;
	readonly #connections: Connections<PlenaryIdentity, PlenaryServerMessage>;
	readonly #media: PlenaryMedia;
	/** People a moderator removed: their seat opens nothing here again (forgotten at the end). */
	readonly #removed = new Set<string>();

	constructor(conferenceId: string, title: string, options: PlenaryRoomOptions) {
		this.conferenceId = conferenceId;
		this.#options = options;
		this.#now = options.now ?? Date.now;
		this.#state = initialPlenary(title, this.#now());
		this.#connections = new Connections<PlenaryIdentity, PlenaryServerMessage>({
			now: this.#now,
			socketLimits: options.socketLimits,
			onCutOff: options.onCutOff,
			onMessage: (conn, data, isBinary) => this.#onMessage(conn, data, isBinary),
			onGone: (conn) => this.#onGone(conn)
		});
		this.#media = new PlenaryMedia({
			conferenceId,
			media: options.media,
			roleOf: (id) => (this.#ended ? null : (this.#state.participants[id]?.role ?? null))
		});
		this.#waitIdle();
	}

	/** Nobody is in (just opened, or the last one left): unless someone comes, it ends by itself. */
	#waitIdle(): void {
		clearTimeout(this.#idle);
		this.#idle = setTimeout(() => this.end(), this.#options.idleMs ?? PLENARY_IDLE_MS);
		this.#idle.unref?.();
	}

	get state(): PlenaryState {
		return this.#state;
	}

	get title(): string {
		return this.#state.title;
	}

	get ended(): boolean {
		return this.#ended;
	}

	get headcount(): number {
		return headcount(this.#state);
	}

	get mediaRoom(): string {
		return this.#media.room;
	}

	/** Whether someone new could come in now (the ticket exchange asks first). */
	get full(): boolean {
		return this.headcount >= MAX_PLENARY_PEOPLE;
	}

	/** Whether someone new of this share could come in now: its places are taken by others who are in. */
	shareFull(share: PlenaryIdentity['share'], participantId: string | null = null): boolean {
		if (!share) return false;
		const inIt = new Set<string>();
		for (const conn of this.#connections)
			if (conn.identity.share?.key === share.key && conn.identity.participantId !== participantId) inIt.add(conn.identity.participantId);
		return inIt.size >= share.places;
	}

	/** The organiser renamed the open plenary. */
	retitle(title: string): void {
		if (!this.#ended && title !== this.#state.title) this.#commit({ ...this.#state, title });
	}

	/** Takes ownership of an authenticated socket. */
	attach(ws: WebSocket, identity: PlenaryIdentity): void {
		if (this.#ended) {
			ws.send(JSON.stringify({ type: 'ended' } satisfies PlenaryServerMessage));
			return ws.close(CloseCode.ended, 'plenary ended');
		}
		if (this.#removed.has(identity.participantId)) return ws.close(CloseCode.removed, 'removed by a moderator');
		const { participantId: id, name, role, group, organiser } = identity;
		// One live socket per person: a reconnect replaces the stale one (whose close then changes nothing).
		this.#connections.replace(id);
		const entered = this.shareFull(identity.share, id) ? null : enterPlenary(this.#state, { id, name, role, group, organiser });
		if (!entered) return ws.close(CloseCode.roomFull, 'plenary full');
		const conn = this.#connections.add(ws, identity);
		clearTimeout(this.#idle);
		// Everyone, the newcomer too, gets the state with them in it; the same state when nothing changed.
		if (!this.#commit(entered)) this.#sendState(conn);
	}

	/** LiveKit's webhook: someone joined the media room. */
	joinedMedia(participantId: string): void {
		if (this.#ended) return;
		this.#media.grant(participantId);
		this.#commit(setPlenaryInMedia(this.#state, participantId, true));
	}

	/** LiveKit's webhook: someone left the media room. */
	leftMedia(participantId: string): void {
		if (!this.#ended) this.#commit(setPlenaryInMedia(this.#state, participantId, false));
	}

	/** LiveKit's webhook: a track was published. */
	publishedMedia(participantId: string, track: MediaTrackInfo): void {
		if (!this.#ended) this.#media.published(participantId, track);
	}

	/** The organiser ended it: everyone is told, every socket closed, the media room deleted, everything forgotten. */
	end(): void {
		if (this.#ended) return;
		this.#connections.toAll({ type: 'ended' });
		this.#release(CloseCode.ended, 'plenary ended');
		this.#options.onEnded(this);
	}

	/** The server stops: the same, without the word "ended" (the plenary did not end; the server went). */
	destroy(): void {
		if (!this.#ended) this.#release(CloseCode.serverShutdown, 'server closing');
	}

	#release(code: number, reason: string): void {
		this.#ended = true;
		clearTimeout(this.#idle);
		this.#connections.closeAll(code, reason);
		this.#media.destroy();
		this.#removed.clear();
		this.#state = initialPlenary('', 0);
	}

	#onMessage(conn: PlenaryConnection, data: Buffer, isBinary: boolean): void {
		if (this.#ended || !this.#connections.has(conn)) return;
		try {
			this.#onText(conn, isBinary ? null : data.toString('utf8'));
		} catch {
			// A fault handling one message ends that one connection, never the plenary.
			this.#connections.drop(conn, 1011, 'internal error');
		}
	}

	#onText(conn: PlenaryConnection, text: string | null): void {
		const message = text === null ? null : parsePlenaryMessage(text);
		if (!message) return this.#connections.drop(conn, CloseCode.malformed, 'malformed message');
		const { participantId: id, name, role, organiser } = conn.identity;
		if (message.type === 'leave') {
			this.#commit(leavePlenary(this.#state, id));
			return this.#connections.drop(conn, 1000, 'left');
		}
		if (message.type === 'media-joined') return this.#media.grant(id);
		if (message.type === 'media-token') {
			void this.#media.token({ participantId: id, name, role }).then((grant) => {
				if (!this.#connections.has(conn)) return;
				if (grant) this.#connections.send(conn, { type: 'media', grant });
				else this.#connections.send(conn, { type: 'refused', action: 'media-token', code: 'media-unavailable' });
			});
			return;
		}
		const outcome = applyPlenaryAction(this.#state, { id, role, organiser }, message);
		if (!outcome.ok) return this.#connections.send(conn, { type: 'refused', action: message.type, code: outcome.code });
		this.#commit(outcome.state);
		for (const effect of outcome.effects) this.#carryOut(effect);
	}

	#carryOut(effect: PlenaryEffect): void {
		if (effect.type === 'end') return this.end();
		if (effect.type === 'mute') return this.#media.mute(effect.participantId);
		this.#removed.add(effect.participantId);
		for (const conn of this.#connections.of(effect.participantId)) this.#connections.drop(conn, CloseCode.removed, 'removed by a moderator');
		this.#media.remove(effect.participantId);
	}

	#onGone(conn: PlenaryConnection): void {
		if (!this.#connections.forget(conn) || this.#ended || conn.replaced) return;
		const id = conn.identity.participantId;
		if (this.#connections.of(id).length === 0) this.#commit(disconnected(this.#state, id));
		if (this.#connections.size === 0) this.#waitIdle();
	}

	/**
	 * The new state to everyone, at once; false when nothing changed. The whole state goes out
	 * (50 people is small), encoded once for all sockets rather than once per socket. (Gathering
	 * changes for 50 ms was tried and is off until a clean-clone run shows that a plenary page
	 * which missed a gathered state was a load flake: the issue 14 note.)
	 */
	#commit(next: PlenaryState): boolean {
		if (next === this.#state || this.#ended) return false;
		this.#state = next;
		this.#broadcast();
		this.#options.onChange(this);
		return true;
	}

	#broadcast(): void {
		const state = JSON.stringify(this.#state);
		const media = !!this.#media.service;
		const now = this.#now();
		for (const conn of this.#connections) this.#sendState(conn, state, media, now);
	}

	/** The state to one socket: `state` encoded already (`#broadcast`), the rest of the message around it. */
	#sendState(conn: PlenaryConnection, state = JSON.stringify(this.#state), media = !!this.#media.service, now = this.#now()): void {
		this.#connections.sendText(
			conn,
			`{"type":"plenary-state","you":${JSON.stringify(conn.identity.participantId)},"media":${media},"now":${now},"state":${state}}`
		);
	}
}
