import { describe, expect, it } from 'vitest';
import { inLeadersChannel, LEADER_LINK_ROLES, overrules, REPLACEABLE_ROLES, ROLES, SHOWN_AGAIN_ROLES } from './roles';

describe('which links a leader replaces or shows again from the room (issue 15)', () => {
	it('every link is replaceable; only member and observer links are shown again, a leader link is shown once', () => {
		expect([...REPLACEABLE_ROLES].sort()).toEqual([...ROLES].sort());
		expect(SHOWN_AGAIN_ROLES).toEqual(['member', 'observer']);
		for (const role of SHOWN_AGAIN_ROLES) expect(inLeadersChannel(role), role).toBe(false);
	});

	it('the "Leader links" part holds exactly the links with the leaders\' key', () => {
		expect([...LEADER_LINK_ROLES].sort()).toEqual(ROLES.filter(inLeadersChannel).sort());
	});

	it('the leader replaces every leader link, a co-leader all but the leader’s', () => {
		expect(LEADER_LINK_ROLES.filter((role) => overrules('leader', role))).toEqual([...LEADER_LINK_ROLES]);
		expect(LEADER_LINK_ROLES.filter((role) => overrules('co-leader', role))).toEqual(['co-leader', 'supervisor']);
	});
});
