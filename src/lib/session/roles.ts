export const ROLES = ['leader', 'co-leader', 'member', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Leaders and co-leaders have the same powers. */
export function isLeader(role: Role): boolean {
	return role === 'leader' || role === 'co-leader';
}

/** Leaders enter directly; everyone else waits in the lobby until a leader admits them. */
export function entersDirectly(role: Role): boolean {
	return isLeader(role);
}
