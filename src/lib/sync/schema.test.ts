import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { initialState, type Participant, type SessionState } from '../session/state';
import { readState, writeState } from './schema';

/**
 * Every field of the session and of a participant, each unlike its default and unlike a fresh
 * session, so a field the document drops or reads back as its default cannot pass unseen.
 * Typed as the domain's own interfaces: a new field must be given a value here too.
 */
const ANNA: Participant = { id: 'person-anna', name: 'Anna Andersson', role: 'member', connected: true, handRaisedAt: 7, inMedia: true, audioOnly: true };
const LENA: Participant = { id: 'person-lena', name: 'Lena Leader', role: 'co-leader', connected: true, handRaisedAt: 3, inMedia: true, audioOnly: false };
const FULL: SessionState = {
	sessionId: 'session-full',
	phase: 'reflection',
	presenterId: ANNA.id,
	listening: true,
	caseNumber: 2,
	startedAt: 1_700_000_000_000,
	phaseStartedAt: 1_700_000_600_000,
	plannedMinutes: 120,
	timersShared: true,
	cameraOffWhileListening: true,
	keepHandsUp: true,
	helpRequested: true,
	handCounter: 9,
	participants: { [ANNA.id]: ANNA, [LENA.id]: LENA },
	round: { order: [LENA.id, ANNA.id], current: 1, passed: [LENA.id] }
};

/** A document the server writes, and a replica fed only by its updates, as a client's is. */
function pair() {
	const server = new Y.Doc();
	const replica = new Y.Doc();
	const updates: Uint8Array[] = [];
	server.on('update', (update: Uint8Array) => {
		updates.push(update);
		Y.applyUpdate(replica, update);
	});
	return { server, replica, updates };
}

/** What a replica reads for the fields a document does not hold: each reader's default. */
function defaults(): { scalars: Omit<SessionState, 'participants'>; person: Participant } {
	const doc = new Y.Doc();
	doc.getMap('session').set('sessionId', FULL.sessionId);
	doc.getMap('session').set('phase', FULL.phase);
	doc.getMap('participants').set(ANNA.id, { id: ANNA.id, name: ANNA.name, role: ANNA.role });
	const { participants, ...scalars } = readState(doc)!;
	return { scalars, person: participants[ANNA.id]! };
}

/** Anna with every field but her id changed. */
const ANNA_CHANGED: Participant = { id: ANNA.id, name: 'Anna A.', role: 'observer', connected: false, handRaisedAt: null, inMedia: false, audioOnly: false };

describe('the Yjs document schema', () => {
	it('the full state differs from every default and from a fresh session, field by field', () => {
		const fresh = initialState('fresh', 90, 0);
		const { scalars, person } = defaults();
		for (const key of Object.keys(scalars) as (keyof typeof scalars)[]) {
			if (key !== 'sessionId' && key !== 'phase') expect([key, FULL[key]]).not.toEqual([key, scalars[key]]);
		}
		for (const key of Object.keys(fresh) as (keyof SessionState)[]) expect([key, FULL[key]]).not.toEqual([key, fresh[key]]);
		for (const key of Object.keys(person) as (keyof Participant)[]) {
			if (key !== 'id' && key !== 'name' && key !== 'role') expect([key, ANNA[key]]).not.toEqual([key, person[key]]);
			if (key !== 'id') expect([key, ANNA[key]]).not.toEqual([key, ANNA_CHANGED[key]]);
		}
	});

	it('round-trips every field through a document and through a replica fed only by updates', () => {
		const { server, replica, updates } = pair();
		expect(readState(replica)).toBeNull();
		writeState(server, FULL);
		expect(readState(server)).toEqual(FULL);
		expect(readState(replica)).toEqual(FULL);
		expect(updates).toHaveLength(1);
		// A replica that joins later, from the whole document as one update.
		const late = new Y.Doc();
		Y.applyUpdate(late, Y.encodeStateAsUpdate(server));
		expect(readState(late)).toEqual(FULL);
	});

	it('writes a change of each field on its own, and nothing when nothing changed', () => {
		const { server, replica, updates } = pair();
		const base: SessionState = { ...initialState('session-fresh', 90, 0), participants: { [ANNA.id]: ANNA } };
		writeState(server, base);
		writeState(server, base);
		expect(updates).toHaveLength(1);
		let state = base;
		const expectOneUpdate = (field: string) => {
			const before = updates.length;
			writeState(server, state);
			expect([field, updates.length]).toEqual([field, before + 1]);
			expect(readState(replica)).toEqual(state);
		};
		for (const key of Object.keys(FULL) as (keyof SessionState)[]) {
			if (key === 'participants') continue;
			state = { ...state, [key]: FULL[key] };
			expectOneUpdate(key);
		}
		for (const key of Object.keys(ANNA) as (keyof Participant)[]) {
			if (key === 'id') continue;
			state = { ...state, participants: { [ANNA.id]: { ...state.participants[ANNA.id]!, [key]: ANNA_CHANGED[key] } } };
			expectOneUpdate(`participant ${key}`);
		}
		// A participant who leaves is removed from every replica.
		state = { ...state, participants: {} };
		expectOneUpdate('participant removed');
	});

	it('stores each participant as exactly its fields, nothing more', () => {
		const { server, replica } = pair();
		writeState(server, FULL);
		for (const person of [ANNA, LENA]) expect(replica.getMap('participants').get(person.id)).toStrictEqual(person);
	});

	it('reads a round that is not one as no round, and a turn beyond the order as a finished round', () => {
		const { server, replica } = pair();
		writeState(server, FULL);
		for (const stored of ['not json', '{"order":[1],"current":0,"passed":[]}', '{"order":[],"current":"0","passed":[]}', 7]) {
			server.getMap('session').set('round', stored);
			expect(readState(replica)?.round).toBeNull();
		}
		server.getMap('session').set('round', JSON.stringify({ order: [ANNA.id], current: 5, passed: [] }));
		expect(readState(replica)?.round).toEqual({ order: [ANNA.id], current: 1, passed: [] });
	});
});
