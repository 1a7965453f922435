import { describe, expect, it } from 'vitest';
import { addParticipant, removeParticipant, setConnected } from './participants';
import { act, alice, room } from './rules.fixtures';
import { handQueue } from './state';

describe('presence', () => {
	it('a person who drops is shown reconnecting and comes back in place', () => {
		let s = act(room(), alice, { type: 'raise-hand' });
		s = setConnected(s, alice.id, false);
		expect(s.participants[alice.id]?.connected).toBe(false);
		s = addParticipant(s, { id: alice.id, name: 'Someone else', role: 'member' });
		expect(s.participants[alice.id]).toMatchObject({ connected: true, name: 'Alice' });
		expect(handQueue(s).map((p) => p.id)).toEqual([alice.id]);
	});

	it('removing an absent person changes nothing', () => {
		const s = room();
		expect(removeParticipant(s, 'nobody-0001')).toBe(s);
	});
});
