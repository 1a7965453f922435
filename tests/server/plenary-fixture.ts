import { expect } from 'vitest';
import type { PlenaryState } from '../../src/lib/plenary/protocol';
import { openJsonSocket, tokenOf, waitFor, type ServerClient } from './harness';
import { plenaryPerson, type PlenaryPerson } from '../support/plenary-person';

/** A conference of three groups through the real API, and its organiser's overview socket. */
export async function conference(h: ServerClient, name = 'Nordic Balint Days') {
	const res = await h.post('/api/conferences', {
		name,
		timeZone: 'Europe/Stockholm',
		sessions: [{ start: '2027-03-10T09:00:00+01:00', minutes: 90 }],
		groups: [{ name: 'Group A' }, { name: 'Group B' }, { name: 'Group C' }],
		membersPerGroup: 8
	});
	expect(res.status).toBe(201);
	const created = res.json;
	const organiserToken = tokenOf(created.organiserLink);
	const ticket = await h.post('/api/conferences/ticket', { token: organiserToken });
	const overview = await openJsonSocket(h, `/overview/${ticket.json.conferenceId}?ticket=${ticket.json.ticket}`);
	const plenaryNews = () => overview.messages.filter((m) => m.type === 'plenary');
	return {
		created,
		id: created.conference.id as string,
		organiserToken,
		overview,
		plenaryNews,
		link: (group: number, role: 'leader' | 'coLeader' | 'member' | 'observer') => created.groups[group].links[role] as string,
		async open(title = 'Journal club') {
			const before = plenaryNews().length;
			overview.ws.send(JSON.stringify({ type: 'open-plenary', title }));
			await waitFor(
				() =>
					plenaryNews()
						.slice(before)
						.some((m) => m.open && m.title === title),
				'the plenary opens'
			);
		},
		/** Someone of a group enters from their own link. */
		enter: (group: number, role: 'leader' | 'coLeader' | 'member' | 'observer', who: string) =>
			plenaryPerson(h.base, tokenOf(created.groups[group].links[role]), who),
		organiser: () => plenaryPerson(h.base, organiserToken)
	};
}

export async function stateOf(person: PlenaryPerson, check: (s: PlenaryState) => boolean, what = 'plenary state'): Promise<PlenaryState> {
	await waitFor(() => {
		const s = person.state();
		return s !== null && check(s);
	}, what);
	return person.state()!;
}

export async function refusalOf(person: PlenaryPerson, after: number): Promise<string> {
	await waitFor(() => person.messages.slice(after).some((m) => m.type === 'refused'), 'a refusal');
	const m = person.messages.slice(after).find((m) => m.type === 'refused');
	return m && m.type === 'refused' ? m.code : '';
}

export const closedWith = async (person: PlenaryPerson) => {
	await waitFor(() => person.closed !== null, 'the socket closes');
	return person.closed!.code;
};
