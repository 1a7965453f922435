import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as v from 'valibot';
import type { Role } from '../session/roles';
import type { Awaitable } from './awaitable';
import { ConfigError } from './config';
import { MAX_LINK_GENERATION } from './links';

/** Entries the whole installation may hold (about 5 MB); past it no link can be replaced until old ones expire. */
export const MAX_GENERATION_ENTRIES = 100_000;
/** Entries are kept to the end of the day their group's links expire: the file does not tell a link's exact expiry. */
const DAY_SECONDS = 86_400;

const FileSchema = v.object({
	version: v.literal(1),
	/** Opaque key → [current generation, until (epoch seconds)]. */
	entries: v.record(
		v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)),
		v.tuple([v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LINK_GENERATION)), v.pipe(v.number(), v.integer())])
	)
});

/**
 * Which generation of each group's links is current. Reads are answered at once, as every
 * link check needs one: several processes would each keep a copy that the shared store
 * keeps up to date (issue 16). Raising one may wait for the store.
 */
export interface LinkGenerationStore {
	/** The current generation of a group's link for a role: 0 until a leader replaces it. */
	current(groupId: string, role: Role): number;
	/** Whether a link of this generation has been replaced. */
	refused(groupId: string, role: Role, generation?: number): boolean;
	/**
	 * Makes the next generation current, to be kept until `until` (epoch seconds): null when
	 * the store is full or the link has had all its generations. `saved` settles once it is
	 * kept where a restart finds it, or rejects; the old link is refused all the same.
	 */
	raise(groupId: string, role: Role, until: number): Awaitable<{ generation: number; saved: Promise<void> } | null>;
}

/** The file cannot be read: start-up stops and says so (as for a bad setting). */
export class GenerationFileError extends ConfigError {}

/**
 * Which generation of each group's links is current, for the groups whose leaders replaced a
 * link (a member or observer link that leaked): a link of an older generation is refused. The
 * only state the server keeps about a group, and the smallest that can refuse an old link:
 * per replaced link, an opaque key (an HMAC of the group id and role under the signing key,
 * so the file names no group), a counter, and the day every link of that group has expired,
 * after which the entry is dropped. Nothing of a session: no name, no person, no phase.
 *
 * Kept in memory and in one file in DATA_DIR (mode 0600, flushed and renamed over the old
 * one), so a restart does not open an old link again. One process owns the file: several
 * processes each keep their own (docs/operations.md; issue 16 moves this to Redis).
 */
export class LinkGenerations implements LinkGenerationStore {
	readonly #entries = new Map<string, [generation: number, until: number]>();
	readonly #file: string | null;
	readonly #secret: Buffer;
	readonly #now: () => number;
	readonly #max: number;
	/** The write in flight, and whether another must follow it (a change came meanwhile). */
	#writing: Promise<void> | null = null;
	#again: Promise<void> | null = null;

	constructor(options: { file: string | null; secret: Buffer; now?: () => number; max?: number }) {
		this.#file = options.file;
		this.#secret = options.secret;
		this.#now = options.now ?? Date.now;
		this.#max = options.max ?? MAX_GENERATION_ENTRIES;
		if (this.#file) this.#load(this.#file);
	}

	get size(): number {
		return this.#entries.size;
	}

	#key(groupId: string, role: Role): string {
		return createHmac('sha256', this.#secret).update(`link-generation\0${groupId}\0${role}`).digest('base64url').slice(0, 22);
	}

	#load(file: string): void {
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
			throw new GenerationFileError(`${file} cannot be read: ${(error as Error).message}`);
		}
		let parsed: v.SafeParseResult<typeof FileSchema>;
		try {
			parsed = v.safeParse(FileSchema, JSON.parse(text));
		} catch {
			parsed = { success: false } as v.SafeParseResult<typeof FileSchema>;
		}
		if (!parsed.success) {
			throw new GenerationFileError(
				`${file} is damaged. Replaced links would open again without it; restore it from a backup, or delete it to accept every link again.`
			);
		}
		const nowSeconds = this.#nowSeconds();
		for (const [key, [generation, until]] of Object.entries(parsed.output.entries)) if (until > nowSeconds) this.#entries.set(key, [generation, until]);
	}

	#nowSeconds(): number {
		return Math.floor(this.#now() / 1000);
	}

	/** The current generation of a group's link for a role: 0 until a leader replaces it. */
	current(groupId: string, role: Role): number {
		const entry = this.#entries.get(this.#key(groupId, role));
		return entry && entry[1] > this.#nowSeconds() ? entry[0] : 0;
	}

	/** Whether a link of this generation has been replaced. */
	refused(groupId: string, role: Role, generation = 0): boolean {
		return generation < this.current(groupId, role);
	}

	/**
	 * Makes the next generation current at once, to be kept until `until` (the group's links
	 * expire then): null when the store is full or the link has had all its generations.
	 * `saved` settles once it is on disk, or rejects when it cannot be written: the old link
	 * is refused all the same, until a restart.
	 */
	raise(groupId: string, role: Role, until: number): { generation: number; saved: Promise<void> } | null {
		const key = this.#key(groupId, role);
		const entry = this.#entries.get(key);
		if (!entry && this.#entries.size >= this.#max) {
			this.#sweep();
			if (this.#entries.size >= this.#max) return null;
		}
		const generation = this.current(groupId, role) + 1;
		if (generation > MAX_LINK_GENERATION) return null;
		const day = Math.ceil(until / DAY_SECONDS) * DAY_SECONDS;
		this.#entries.set(key, [generation, Math.max(day, entry?.[1] ?? 0)]);
		return { generation, saved: this.#save() };
	}

	#sweep(): void {
		const nowSeconds = this.#nowSeconds();
		for (const [key, [, until]] of this.#entries) if (until <= nowSeconds) this.#entries.delete(key);
	}

	/** One write at a time; changes made during a write go out in the one after it. */
	#save(): Promise<void> {
		if (!this.#file) return Promise.resolve();
		if (!this.#writing) {
			this.#writing = this.#write().finally(() => (this.#writing = null));
			return this.#writing;
		}
		this.#again ??= this.#writing
			.catch(() => undefined)
			.then(() => {
				this.#again = null;
				return this.#save();
			});
		return this.#again;
	}

	async #write(): Promise<void> {
		const file = this.#file!;
		this.#sweep();
		const text = JSON.stringify({ version: 1, entries: Object.fromEntries(this.#entries) });
		// Written beside it, flushed, and renamed over it: a crash, even of the machine, leaves
		// the old file or the new one.
		await mkdir(dirname(file), { recursive: true, mode: 0o700 });
		const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
		try {
			const handle = await open(temporary, 'wx', 0o600);
			try {
				await handle.writeFile(text);
				await handle.sync();
			} finally {
				await handle.close();
			}
			await rename(temporary, file);
		} catch (error) {
			await rm(temporary, { force: true });
			throw error;
		}
	}
}
