import { describe, expect, it } from 'vitest';
import { plannedMinutesAt } from './schedule';

describe('the plan of the meeting a group is in', () => {
	const sessions = [
		{ start: '2027-03-10T08:00:00.000Z', minutes: 90 },
		{ start: '2027-03-10T13:00:00.000Z', minutes: 120 },
		{ start: '2027-03-11T08:00:00.000Z', minutes: 60 }
	];
	const at = (iso: string) => plannedMinutesAt(sessions, Date.parse(iso));

	it('is the session that started nearest to the group, early or late', () => {
		expect(at('2027-03-10T07:55:00.000Z')).toBe(90);
		expect(at('2027-03-10T13:10:00.000Z')).toBe(120);
		expect(at('2027-03-10T12:50:00.000Z')).toBe(120);
		expect(at('2027-03-11T08:02:00.000Z')).toBe(60);
	});

	it('is unknown without sessions', () => {
		expect(plannedMinutesAt([], Date.parse('2027-03-10T08:00:00.000Z'))).toBeNull();
	});
});
