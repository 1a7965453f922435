import type { WebSocket } from 'ws';
import * as v from 'valibot';
import { CloseCode } from '../sync/protocol';
import type { GroupSummary, OverviewMessage } from '../conference/types';
import { MAX_PLENARY_TITLE } from '../plenary/protocol';
import type { PlenaryStatus } from '../sync/api-types';
import type { ConferenceBus } from './conference-bus';
import type { PlenaryControl } from './plenary/registry';
import { MemoryRateLimiter, type RateLimiter } from './rate-limit';
import { cutOff, metered, ORGANISER_SOCKET_LIMITS, sendWithin, SocketBudget } from './socket-budget';
import type { OrganiserIdentity } from './tickets';

/**
 * The organiser's live, read-only overview of a conference: per group its phase, how many
 * people are in, whether a leader is there, time against the plan and a leader's call for
 * help. Never names, never content. The hub owns the organisers' sockets; it hears of the
 * rooms, and reaches them, only through the conference bus.
 */
const OrganiserMessageSchema = v.variant('type', [
	v.object({ type: v.literal('notice'), text: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(280)) }),
	v.object({ type: v.literal('end-all') }),
	v.object({
		type: v.literal('open-plenary'),
		title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(MAX_PLENARY_TITLE), v.regex(/^[^\p{Cc}\p{Cf}]+$/u))
	}),
	v.object({ type: v.literal('end-plenary') })
]);

/** Opening and ending a conference's plenary reaches everyone in it: a few times a minute is plenty. */
const PLENARY_COMMANDS_PER_MINUTE = 6;

/** WebSocket's own code for a server that cannot go on: here, a bus that does not answer. */
const UNAVAILABLE = 1011;

interface Watcher {
	ws: WebSocket;
	identity: OrganiserIdentity;
	/** What this organiser's socket may still ask (`socket-budget.ts`). */
	budget: SocketBudget;
}

export class ConferenceHub {
	readonly #bus: ConferenceBus;
	readonly #watchers = new Map<string, Set<Watcher>>();
	readonly #unsubscribe: () => void;
	readonly #unsubscribePlenary: () => void;
	/** The conferences' plenaries (opened and ended from here), when this server holds them. */
	readonly #plenaries: PlenaryControl | null;
	/** Per conference: how often its organisers open or end the plenary. */
	readonly #plenaryLimit: RateLimiter;

	constructor(bus: ConferenceBus, plenaries: PlenaryControl | null = null, plenaryLimit: RateLimiter = new MemoryRateLimiter(PLENARY_COMMANDS_PER_MINUTE)) {
		this.#bus = bus;
		this.#plenaries = plenaries;
		this.#plenaryLimit = plenaryLimit;
		this.#unsubscribe = bus.subscribe((conferenceId, summary) => this.#groupChanged(conferenceId, summary));
		this.#unsubscribePlenary = bus.subscribePlenary((conferenceId, status) => this.#plenaryChanged(conferenceId, status));
	}

	get watcherCount(): number {
		let n = 0;
		for (const set of this.#watchers.values()) n += set.size;
		return n;
	}

	async attach(ws: WebSocket, identity: OrganiserIdentity): Promise<void> {
		const watcher: Watcher = { ws, identity, budget: new SocketBudget(ORGANISER_SOCKET_LIMITS) };
		// A protocol fault (bad UTF-8, oversized frame): ws has already closed the socket with its
		// status code (1007, 1009); terminating here would cut that reason off. The close follows.
		ws.on('error', () => undefined);
		// The first overview is what the page starts from: fetched before this socket hears of any
		// change, so that no newer update can reach it first and then be overwritten by it.
		let groups: GroupSummary[];
		let plenary: PlenaryStatus;
		try {
			[groups, plenary] = await Promise.all([this.#bus.summaries(identity.groupIds), this.#bus.plenary(identity.conferenceId)]);
		} catch {
			return this.#unavailable(watcher);
		}
		if (ws.readyState !== ws.OPEN) return;
		let set = this.#watchers.get(identity.conferenceId);
		if (!set) this.#watchers.set(identity.conferenceId, (set = new Set()));
		set.add(watcher);
		ws.on('close', () => this.#detach(watcher));
		metered(
			ws,
			watcher.budget,
			() => this.#cutOff(watcher, CloseCode.flooding, 'too many messages'),
			(data, isBinary) => this.#onMessage(watcher, isBinary ? null : data.toString())
		);
		this.#send(watcher, { type: 'overview', groups, now: Date.now() });
		this.#send(watcher, { type: 'plenary', ...plenary });
	}

	#plenaryChanged(conferenceId: string, status: PlenaryStatus): void {
		for (const watcher of this.#watchers.get(conferenceId) ?? []) this.#send(watcher, { type: 'plenary', ...status });
	}

	/** Opens or ends the plenary; its new status reaches every overview of the conference through the bus. */
	async #plenaryCommand(watcher: Watcher, message: { type: 'open-plenary'; title: string } | { type: 'end-plenary' }): Promise<void> {
		const { conferenceId } = watcher.identity;
		const refuse = (code: string) => this.#send(watcher, { type: 'refused', action: message.type, code });
		if (!this.#plenaries) return refuse('not-available');
		if (!(await this.#plenaryLimit.take(conferenceId))) return refuse('rate-limited');
		if (message.type === 'end-plenary') return this.#plenaries.end(conferenceId);
		if (!this.#plenaries.open(conferenceId, message.title)) refuse('busy');
	}

	#groupChanged(conferenceId: string, summary: GroupSummary): void {
		const set = this.#watchers.get(conferenceId);
		if (!set) return;
		for (const watcher of set) {
			if (watcher.identity.groupIds.includes(summary.groupId)) this.#send(watcher, { type: 'group', group: summary, now: Date.now() });
		}
	}

	async #onMessage(watcher: Watcher, text: string | null): Promise<void> {
		let message: v.InferOutput<typeof OrganiserMessageSchema>;
		try {
			const parsed = v.safeParse(OrganiserMessageSchema, text === null ? null : JSON.parse(text));
			if (!parsed.success) return watcher.ws.close(CloseCode.malformed, 'malformed message');
			message = parsed.output;
		} catch {
			return watcher.ws.close(CloseCode.malformed, 'malformed message');
		}
		if (message.type === 'open-plenary' || message.type === 'end-plenary') return this.#plenaryCommand(watcher, message);
		// Only to the live rooms of this organiser's own conference.
		let reached: number;
		try {
			reached = await this.#bus.send(watcher.identity.conferenceId, watcher.identity.groupIds, message);
		} catch {
			return this.#unavailable(watcher);
		}
		this.#send(watcher, message.type === 'notice' ? { type: 'notice-sent', groups: reached } : { type: 'ended-all', groups: reached });
	}

	/** Only a bus shared over the network can fail; the organiser's page opens the overview again. */
	#unavailable(watcher: Watcher): void {
		if (watcher.ws.readyState === watcher.ws.OPEN) watcher.ws.close(UNAVAILABLE, 'overview unavailable');
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
		this.#unsubscribe();
		this.#unsubscribePlenary();
		for (const set of this.#watchers.values()) for (const w of set) w.ws.terminate();
		this.#watchers.clear();
	}
}
