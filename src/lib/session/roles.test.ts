import { describe, expect, it } from 'vitest';
import { guardedByPassphrase, overrules, ROLES } from './roles';

describe('who overrules whom among leaders (issue 15)', () => {
	it('any leader over members, observers and the supervisor; nobody else over anyone', () => {
		for (const actor of ROLES)
			for (const target of ['member', 'observer', 'supervisor'] as const)
				expect(overrules(actor, target), `${actor} → ${target}`).toBe(actor === 'leader' || actor === 'co-leader');
	});

	it('the leader over a co-leader and a second leader; a co-leader over a co-leader, never over the leader', () => {
		expect(overrules('leader', 'co-leader')).toBe(true);
		expect(overrules('leader', 'leader')).toBe(true);
		expect(overrules('co-leader', 'co-leader')).toBe(true);
		expect(overrules('co-leader', 'leader')).toBe(false);
		for (const target of ['leader', 'co-leader'] as const)
			for (const actor of ['member', 'observer', 'supervisor'] as const) expect(overrules(actor, target)).toBe(false);
	});

	it('the passphrase guards the leader and co-leader links only', () => {
		expect(ROLES.filter(guardedByPassphrase)).toEqual(['leader', 'co-leader']);
	});
});
