import type { WebSocket } from 'ws';
import * as v from 'valibot';
import { CloseCode } from '../sync/protocol';
import type { GroupSummary, OverviewMessage } from '../conference/types';
import type { Room } from './room';
import type { RoomRegistry } from './rooms';
import { cutOff, metered, ORGANISER_SOCKET_LIMITS, sendWithin, SocketBudget } from './socket-budget';
import type { OrganiserIdentity } from './tickets';

/**
 * The organiser's live, read-only overview of a conference: per group its phase, how many
 * people are in, whether a leader is there, time against the plan and a leader's call for
 * help. Never names, never content. The hub owns the organisers' sockets; the rooms tell
 * it of every change through the registry.
 */
const OrganiserMessageSchema = v.variant('type', [
	v.object({ type: v.literal('notice'), text: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(280)) }),
	v.object({ type: v.literal('end-all') })
]);

interface Watcher {
	ws: WebSocket;
	identity: OrganiserIdentity;
	/** What this organiser's socket may still ask (`socket-budget.ts`). */
	budget: SocketBudget;
}

export function idleSummary(groupId: string): GroupSummary {
	return {
		groupId,
		live: false,
		phase: 'gathering',
		members: 0,
		observers: 0,
		leaderPresent: false,
		waiting: 0,
		startedAt: null,
		plannedMinutes: 0,
		helpRequested: false
	};
}

export class ConferenceHub {
	readonly #rooms: RoomRegistry;
	readonly #watchers = new Map<string, Set<Watcher>>();
	/** The last summary sent per group, so unchanged rooms send nothing. */
	readonly #last = new Map<string, string>();

	constructor(rooms: RoomRegistry) {
		this.#rooms = rooms;
		rooms.onChange = (room) => this.roomChanged(room);
	}

	get watcherCount(): number {
		let n = 0;
		for (const set of this.#watchers.values()) n += set.size;
		return n;
	}

	attach(ws: WebSocket, identity: OrganiserIdentity): void {
		const watcher: Watcher = { ws, identity, budget: new SocketBudget(ORGANISER_SOCKET_LIMITS) };
		let set = this.#watchers.get(identity.conferenceId);
		if (!set) this.#watchers.set(identity.conferenceId, (set = new Set()));
		set.add(watcher);
		ws.on('close', () => this.#detach(watcher));
		// A protocol fault (bad UTF-8, oversized frame): ws has already closed the socket with its
		// status code (1007, 1009); terminating here would cut that reason off. The close follows.
		ws.on('error', () => undefined);
		metered(
			ws,
			watcher.budget,
			() => this.#cutOff(watcher, CloseCode.flooding, 'too many messages'),
			(data, isBinary) => this.#onMessage(watcher, isBinary ? null : data.toString())
		);
		this.#send(watcher, { type: 'overview', groups: identity.groupIds.map((id) => this.#summaryOf(id)), now: Date.now() });
	}

	#summaryOf(groupId: string): GroupSummary {
		const room = this.#rooms.get(groupId);
		return room ? room.summary() : idleSummary(groupId);
	}

	roomChanged(room: Room): void {
		const conferenceId = room.conferenceId;
		if (!conferenceId) return;
		const summary = room.summary();
		const text = JSON.stringify(summary);
		if (!summary.live) this.#last.delete(room.groupId);
		else if (this.#last.get(room.groupId) === text) return;
		else this.#last.set(room.groupId, text);
		const set = this.#watchers.get(conferenceId);
		if (!set) return;
		for (const watcher of set) {
			if (watcher.identity.groupIds.includes(room.groupId)) this.#send(watcher, { type: 'group', group: summary, now: Date.now() });
		}
	}

	#onMessage(watcher: Watcher, text: string | null): void {
		let message: v.InferOutput<typeof OrganiserMessageSchema>;
		try {
			const parsed = v.safeParse(OrganiserMessageSchema, text === null ? null : JSON.parse(text));
			if (!parsed.success) return watcher.ws.close(CloseCode.malformed, 'malformed message');
			message = parsed.output;
		} catch {
			return watcher.ws.close(CloseCode.malformed, 'malformed message');
		}
		const rooms = this.#roomsOf(watcher.identity);
		// One group's trouble must not keep the notice or the end from the others.
		let reached = 0;
		for (const room of rooms) {
			try {
				if (message.type === 'notice') room.notice(message.text);
				else room.end();
				reached += 1;
			} catch {
				// That room is skipped; the count the organiser sees says so.
			}
		}
		this.#send(watcher, message.type === 'notice' ? { type: 'notice-sent', groups: reached } : { type: 'ended-all', groups: reached });
	}

	/** Live rooms of this organiser's conference only. */
	#roomsOf(identity: OrganiserIdentity): Room[] {
		return identity.groupIds.map((id) => this.#rooms.get(id)).filter((room): room is Room => !!room && room.conferenceId === identity.conferenceId);
	}

	#send(watcher: Watcher, message: OverviewMessage): void {
		sendWithin(watcher.ws, watcher.budget, JSON.stringify(message), () => this.#cutOff(watcher, CloseCode.notReading, 'not reading'));
	}

	#cutOff(watcher: Watcher, code: number, reason: string): void {
		if (watcher.ws.readyState !== watcher.ws.OPEN) return;
		cutOff(watcher.ws, code, reason);
		this.#detach(watcher);
	}

	#detach(watcher: Watcher): void {
		const set = this.#watchers.get(watcher.identity.conferenceId);
		set?.delete(watcher);
		if (set && set.size === 0) this.#watchers.delete(watcher.identity.conferenceId);
	}

	close(): void {
		for (const set of this.#watchers.values()) for (const w of set) w.ws.terminate();
		this.#watchers.clear();
		this.#last.clear();
	}
}
