export const ROLES = ['leader', 'co-leader', 'member', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Leaders and co-leaders have the same powers. */
export function isLeader(role: Role): boolean {
	return role === 'leader' || role === 'co-leader';
}

/** The links a leader may replace from the room when one leaks (leader links: issue 15). */
export const REPLACEABLE_ROLES = ['member', 'observer'] as const satisfies readonly Role[];
export type ReplaceableRole = (typeof REPLACEABLE_ROLES)[number];

/** Leaders enter directly; everyone else waits in the lobby until a leader admits them. */
export function entersDirectly(role: Role): boolean {
	return isLeader(role);
}
