import * as Y from 'yjs';
import { isPhase } from '../session/phases';
import { isRole } from '../session/roles';
import { DEFAULT_PLANNED_MINUTES, type Participant, type SessionState } from '../session/state';

/**
 * The one place that knows how a session lives in a Yjs document.
 * `session` holds the scalar fields, `participants` one plain entry per person.
 * Only the server writes; every client holds a read-only replica.
 *
 * Two tables, one per map, drive writing, comparing and reading alike, so a field cannot be
 * written and never read. Each is typed by the domain's own interface: a field added to
 * `SessionState` or `Participant` and left out here fails to compile.
 */

/** What a field may hold in the document: plain values, compared with `===`. */
type Plain = string | number | boolean | null;

/** A value read back for a replica. `MISSING`: the value cannot be used, so the replica (or entry) is not there yet. */
const MISSING = Symbol('missing');
type Reader<T> = (stored: unknown) => T | typeof MISSING;

/** One reader per field; a field whose type is not plain would need `never` here, and fails to compile. */
type Fields<T> = { [K in keyof T]-?: T[K] extends Plain ? Reader<T[K]> : never };

function required<T>(is: (value: unknown) => value is T): Reader<T> {
	return (stored) => (is(stored) ? stored : MISSING);
}
function number(fallback: number): Reader<number> {
	return (stored) => (typeof stored === 'number' ? stored : fallback);
}
const isString = (value: unknown): value is string => typeof value === 'string';
const flag: Reader<boolean> = (stored) => stored === true;
const stringOrNull: Reader<string | null> = (stored) => (typeof stored === 'string' ? stored : null);
const numberOrNull: Reader<number | null> = (stored) => (typeof stored === 'number' ? stored : null);

type Scalars = Omit<SessionState, 'participants'>;

/** The `session` map; `sessionId` and `phase` must be there for a replica to count as synced. */
const SCALARS: Fields<Scalars> = {
	sessionId: required(isString),
	phase: required(isPhase),
	presenterId: stringOrNull,
	listening: flag,
	caseNumber: number(1),
	startedAt: numberOrNull,
	phaseStartedAt: number(0),
	plannedMinutes: number(DEFAULT_PLANNED_MINUTES),
	timersShared: flag,
	cameraOffWhileListening: flag,
	helpRequested: flag,
	handCounter: number(0)
};

/** One entry of the `participants` map; an entry without a usable id, name or role is left out. */
const PARTICIPANT: Fields<Participant> = {
	id: required(isString),
	name: required(isString),
	role: required(isRole),
	connected: flag,
	handRaisedAt: numberOrNull,
	inMedia: flag,
	audioOnly: flag
};

const keysOf = <T extends object>(fields: Fields<T>) => Object.keys(fields) as (keyof T & string)[];
const SCALAR_KEYS = keysOf(SCALARS);
const PARTICIPANT_KEYS = keysOf(PARTICIPANT);

/** Reads every field of `fields` from `get`; null when one of them is missing. */
function readFields<T extends object>(fields: Fields<T>, get: (key: string) => unknown): T | null {
	const out: Record<string, unknown> = {};
	for (const [key, read] of Object.entries(fields) as [string, Reader<unknown>][]) {
		const value = read(get(key));
		if (value === MISSING) return null;
		out[key] = value;
	}
	return out as T;
}

function sessionMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('session');
}

function participantsMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('participants');
}

/** The entry as stored: exactly the table's fields, in its order. */
function entryOf(person: Participant): Record<string, Plain> {
	return Object.fromEntries(PARTICIPANT_KEYS.map((key) => [key, person[key]]));
}

function sameParticipant(stored: unknown, person: Participant): boolean {
	if (!stored || typeof stored !== 'object') return false;
	const entry = stored as Record<string, unknown>;
	return PARTICIPANT_KEYS.every((key) => entry[key] === person[key]);
}

/** Writes only what changed, in one transaction, so each change is one small update. */
export function writeState(doc: Y.Doc, next: SessionState, origin: unknown = null): void {
	const session = sessionMap(doc);
	const participants = participantsMap(doc);
	doc.transact(() => {
		for (const key of SCALAR_KEYS) {
			if (session.get(key) !== next[key]) session.set(key, next[key]);
		}
		for (const id of participants.keys()) {
			if (!(id in next.participants)) participants.delete(id);
		}
		for (const [id, person] of Object.entries(next.participants)) {
			if (!sameParticipant(participants.get(id), person)) participants.set(id, entryOf(person));
		}
	}, origin);
}

/** Reads a replica back into plain state; null until the first sync has arrived. */
export function readState(doc: Y.Doc): SessionState | null {
	const session = sessionMap(doc);
	const scalars = readFields(SCALARS, (key) => session.get(key));
	if (!scalars) return null;
	const participants: Record<string, Participant> = {};
	for (const [id, value] of participantsMap(doc).entries()) {
		if (!value || typeof value !== 'object') continue;
		const person = readFields(PARTICIPANT, (key) => (value as Record<string, unknown>)[key]);
		if (person) participants[id] = person;
	}
	return { ...scalars, participants };
}
