import * as Y from 'yjs';
import { isPhase } from '../session/phases';
import { isRole } from '../session/roles';
import { DEFAULT_PLANNED_MINUTES, type Participant, type Round, type SessionState } from '../session/state';

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

/** A field that is not plain (the round) is stored encoded as one plain value, so it still compares with `===`. */
interface Encoded<T> {
	read: Reader<T>;
	write(value: T): Plain;
}
/** One reader per plain field, a reader and a writer for any other: a field left out fails to compile. */
type Fields<T> = { [K in keyof T]-?: [T[K]] extends [Plain] ? Reader<T[K]> : Encoded<T[K]> };
type Field = Reader<unknown> | Encoded<unknown>;
const readerOf = (field: Field): Reader<unknown> => (typeof field === 'function' ? field : field.read);
const storedOf = (field: Field, value: unknown): unknown => (typeof field === 'function' ? value : field.write(value));

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

const isIds = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
/** The round, as one JSON string; one that does not read back as a round is no round. */
const round: Encoded<Round | null> = {
	write: (value) => (value ? JSON.stringify({ order: value.order, current: value.current, passed: value.passed }) : null),
	read: (stored) => {
		if (typeof stored !== 'string') return null;
		try {
			const { order, current, passed } = JSON.parse(stored) as Record<string, unknown>;
			if (!isIds(order) || !isIds(passed) || !Number.isInteger(current)) return null;
			return { order, current: Math.min(Math.max(current as number, 0), order.length), passed };
		} catch {
			return null;
		}
	}
};

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
	keepHandsUp: flag,
	helpRequested: flag,
	handCounter: number(0),
	round
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
	for (const [key, field] of Object.entries(fields) as [string, Field][]) {
		const value = readerOf(field)(get(key));
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
			const stored = storedOf(SCALARS[key], next[key]);
			if (session.get(key) !== stored) session.set(key, stored);
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
