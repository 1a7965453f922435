// Appended, never reordered: a role's index is written into compact links (`compact-link.ts`).
export const ROLES = ['leader', 'co-leader', 'member', 'observer', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Leaders and co-leaders have the same powers. */
export function isLeader(role: Role): boolean {
	return role === 'leader' || role === 'co-leader';
}

/**
 * Watches and listens, and nothing more: publishes no sound or video, raises no hand, speaks in
 * no round, offers no case and is never the presenter. An observer; and a supervisor, who guides
 * the leader in training through the leaders' channel and not in front of the group.
 */
export function watchesOnly(role: Role): boolean {
	return role === 'observer' || role === 'supervisor';
}

/**
 * Reads and writes the leaders' channel, and so has the leaders' key in their link: the leaders,
 * and the supervisor who guides them. Steering stays with `isLeader`.
 */
export function inLeadersChannel(role: Role): boolean {
	return isLeader(role) || role === 'supervisor';
}

/**
 * Whether a leader may act against someone of `target`'s role: refuse them at the door, remove
 * them, replace their link (issue 15). Over members, observers and the supervisor, any leader;
 * over leaders, the leader over a co-leader (or a second holder of the leader link) and a
 * co-leader over another co-leader, never a co-leader over the leader: a co-leader link alone
 * must not lock the group's leader out.
 */
export function overrules(actor: Role, target: Role): boolean {
	if (!isLeader(actor)) return false;
	if (!isLeader(target)) return true;
	return actor === 'leader' || target === 'co-leader';
}

/** The links a group's passphrase guards (issue 15): they enter directly and steer, so a lost laptop's history must not open them alone. */
export function guardedByPassphrase(role: Role): boolean {
	return isLeader(role);
}

/**
 * The links a leader may replace from the room when one leaks, each as far as they `overrules`
 * its role: the leader any, a co-leader any but the leader's (issue 15: a leader link found in a
 * lost laptop's history is cut off from the room, not left good for months).
 */
export const REPLACEABLE_ROLES = ['member', 'observer', 'supervisor', 'co-leader', 'leader'] as const satisfies readonly Role[];
export type ReplaceableRole = (typeof REPLACEABLE_ROLES)[number];

/**
 * The links a leader may show again from the room (to a late member). Not the leaders' and the
 * supervisor's: each is shown once, when it is made, so the room cannot hand one out again.
 */
export const SHOWN_AGAIN_ROLES = ['member', 'observer'] as const satisfies readonly ReplaceableRole[];
export type ShownAgainRole = (typeof SHOWN_AGAIN_ROLES)[number];

/** The links the room's "Leader links" part replaces: they carry the leaders' key, and are shown once. */
export const LEADER_LINK_ROLES = ['leader', 'co-leader', 'supervisor'] as const satisfies readonly ReplaceableRole[];
export type LeaderLinkRole = (typeof LEADER_LINK_ROLES)[number];

/** Leaders enter directly; everyone else waits in the lobby until a leader admits them. */
export function entersDirectly(role: Role): boolean {
	return isLeader(role);
}
