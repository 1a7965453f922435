import Papa from 'papaparse';
import { createEvents, type EventAttributes } from 'ics';
import type { ConferenceDescription } from './types';

/**
 * The organiser's hand-outs, made in the browser from the links the server gave: nothing
 * is stored anywhere. CSV by papaparse, calendar files by ics.
 */
const ROLE_KEYS = ['leader', 'coLeader', 'member', 'observer'] as const;

export function linksCsv(d: ConferenceDescription): string {
	const rows = d.groups.flatMap((g) =>
		ROLE_KEYS.map((role) => ({ conference: d.conference.name, group: g.name, leaders: g.leaders.join(', '), role, link: g.links[role] }))
	);
	return Papa.unparse(rows, { columns: ['conference', 'group', 'leaders', 'role', 'link'] });
}

/**
 * One calendar file per group with every session, in UTC so that each person's calendar
 * shows it in their own time zone. It carries no link: calendars sync to outside services and
 * are shared with assistants, and one file serves every role, so a link in it would hand a
 * member's access and the media key to whoever sees the calendar.
 */
export function groupIcs(d: ConferenceDescription, groupId: string): string {
	const group = d.groups.find((g) => g.id === groupId);
	if (!group) throw new Error('unknown group');
	const events: EventAttributes[] = d.conference.sessions.map((s, index) => ({
		uid: `${d.conference.id}-${group.id}-${index}@balint-room`,
		title: `${group.name} · ${d.conference.name}`,
		description: `Balint group session ${index + 1} of ${d.conference.sessions.length}. Join with the personal link you were sent for this group.`,
		start: Date.parse(s.start),
		startInputType: 'utc',
		startOutputType: 'utc',
		duration: { minutes: s.minutes },
		classification: 'CONFIDENTIAL',
		productId: 'balint-room'
	}));
	const { error, value } = createEvents(events);
	if (error || !value) throw error ?? new Error('calendar file could not be made');
	return value;
}

// Moved to schedule/ so that the meeting series (browser and server) shares it without papaparse and ics.
export { wallTimeToIso } from '../schedule/wall-time';

export function download(filename: string, text: string, type: string): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function fileName(name: string, extension: string): string {
	return `${name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'balint'}.${extension}`;
}
