import { describe, expect, it } from 'vitest';
import { addParticipant } from '../../session/participants';
import type { Phase } from '../../session/phases';
import { initialState } from '../../session/state';
import { RestoreMemory } from './restore-memory';

describe('RestoreMemory', () => {
	const back = (phase: Phase) => {
		const memory = new RestoreMemory();
		memory.keepHands([{ participantId: 'member-0001', handRaisedAt: 3 }]);
		const state = addParticipant({ ...initialState('session-0001', 90, 0), phase }, { id: 'member-0001', name: 'Alice', role: 'member' });
		return memory.handBack(state, 'member-0001').participants['member-0001']?.handRaisedAt;
	};

	it('gives a hand raised before the restart back in its place, but not once the return or the closing has begun', () => {
		expect(back('reflection')).toBe(3);
		expect(back('questions')).toBe(3);
		expect(back('return')).toBeNull();
		expect(back('closing')).toBeNull();
	});
});
