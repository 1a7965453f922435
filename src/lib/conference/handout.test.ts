import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import ICAL from 'ical.js';
import { groupIcs, linksCsv, wallTimeToIso } from './handout';
import type { ConferenceDescription } from './types';

const links = (g: string) => ({
	leader: `https://x/room#t=${g}L`,
	coLeader: `https://x/room#t=${g}C`,
	member: `https://x/room#t=${g}M&k=key`,
	observer: `https://x/room#t=${g}O`,
	supervisor: `https://x/room#t=${g}S&l=leaders`
});
const d: ConferenceDescription = {
	conference: {
		id: 'conf-000001',
		name: 'Nordic "Balint" Days, 2027',
		timeZone: 'Europe/Stockholm',
		membersPerGroup: 8,
		sessions: [
			{ start: '2027-03-10T08:00:00.000Z', minutes: 90 },
			{ start: '2027-03-11T13:30:00.000Z', minutes: 120 }
		]
	},
	organiserLink: 'https://x/organiser#t=o',
	expiresAt: '2027-09-01T00:00:00.000Z',
	groups: [
		{ id: 'group-00001', name: 'Group A, morning', leaders: ['Åsa Öberg', 'Jens'], links: links('a') },
		{ id: 'group-00002', name: 'Group B', leaders: [], links: links('b') }
	]
};

describe('hand-outs', () => {
	it('the CSV has every link of every group and survives commas and quotes', () => {
		const parsed = Papa.parse<Record<string, string>>(linksCsv(d), { header: true });
		expect(parsed.errors).toEqual([]);
		expect(parsed.data).toHaveLength(8);
		expect(parsed.data[0]).toEqual({
			conference: 'Nordic "Balint" Days, 2027',
			group: 'Group A, morning',
			leaders: 'Åsa Öberg, Jens',
			role: 'leader',
			link: 'https://x/room#t=aL'
		});
		expect(parsed.data.map((r) => r.link)).toEqual(d.groups.flatMap((g) => [g.links.leader, g.links.coLeader, g.links.member, g.links.observer]));
	});

	it("leaves out the supervisor link: it carries the leaders' key and is handed to one person, not listed for a conference", () => {
		const csv = linksCsv(d);
		expect(csv).not.toContain('supervisor');
		expect(csv).not.toContain('l=leaders');
	});

	it('the calendar file parses back with every session at the right instant and length', () => {
		const calendar = new ICAL.Component(ICAL.parse(groupIcs(d, 'group-00001')));
		const events = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
		expect(events).toHaveLength(2);
		expect(events.map((e) => e.startDate.toJSDate().toISOString())).toEqual(['2027-03-10T08:00:00.000Z', '2027-03-11T13:30:00.000Z']);
		expect(events.map((e) => e.endDate.toJSDate().toISOString())).toEqual(['2027-03-10T09:30:00.000Z', '2027-03-11T15:30:00.000Z']);
		expect(events[0]!.summary).toBe('Group A, morning · Nordic "Balint" Days, 2027');
		expect(events[0]!.description).toContain('session 1 of 2');
		// No link of any role, no token and no media key: calendars travel to outside services.
		const text = groupIcs(d, 'group-00001');
		for (const link of Object.values(d.groups[0]!.links)) expect(text).not.toContain(link.split('#')[1]!);
		expect(text).not.toMatch(/https?:|#t=|k=key/);
		expect(new Set(events.map((e) => e.uid)).size).toBe(2);
	});

	it('turns a wall-clock time in a time zone into the right instant, across daylight saving', () => {
		expect(wallTimeToIso('2027-03-10T09:00', 'Europe/Stockholm')).toBe('2027-03-10T08:00:00.000Z');
		expect(wallTimeToIso('2027-07-10T09:00', 'Europe/Stockholm')).toBe('2027-07-10T07:00:00.000Z');
		expect(wallTimeToIso('2027-07-10T09:00', 'America/New_York')).toBe('2027-07-10T13:00:00.000Z');
		expect(wallTimeToIso('2027-01-10T09:00', 'Asia/Jerusalem')).toBe('2027-01-10T07:00:00.000Z');
		expect(() => wallTimeToIso('tomorrow', 'UTC')).toThrow();
	});
});
