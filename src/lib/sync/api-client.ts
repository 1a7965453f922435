import type { ReplaceableRole, Role } from '../session/roles';
import type { ConferenceDescription } from '../conference/types';

/** Typed calls to the server's JSON API, from the browser. */
export interface GroupInfo {
	id: string;
	name: string;
	plannedMinutes: number;
	/** Part of a conference: leaders can ask its organiser for help. */
	inConference?: boolean;
}

export interface LinkInfo {
	group: GroupInfo;
	role: Role;
	expiresAt: string;
}

export interface TicketAnswer {
	ticket: string;
	participantId: string;
	name: string;
	role: Role;
	seat: string;
	group: GroupInfo;
}

/** A member or observer link as a leader gets it from the room (`/api/links/current`, `/api/links/replace`). */
export interface RoleLink {
	role: ReplaceableRole;
	token: string;
	/** The link without its media key: the leader's page adds the one it holds. */
	link: string;
	expiresAt: string;
	/** False when a replacement is in force but the server could not write it down: a restart would undo it. */
	saved: boolean;
}

export type GroupLinks = { leader: string; coLeader: string; member: string; observer: string };

export interface CreatedGroup {
	group: GroupInfo;
	links: GroupLinks;
	expiresAt: string;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

async function post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
	let response: Response;
	try {
		response = await fetch(path, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
			cache: 'no-store',
			credentials: 'omit'
		});
	} catch {
		throw new ApiError(0, 'network', 'network');
	}
	const data = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
	if (!response.ok) throw new ApiError(response.status, data?.error?.code ?? 'unknown', data?.error?.message ?? response.statusText);
	return data as T;
}

export const api = {
	inspectLink: (token: string) => post<LinkInfo>('/api/links/inspect', { token }),
	ticket: (token: string, name: string, seat?: string) => post<TicketAnswer>('/api/tickets', { token, name, seat }),
	/** A leader's link shows the group's current member or observer link (without its media key). */
	currentLink: (token: string, role: ReplaceableRole) => post<RoleLink>('/api/links/current', { token, role }),
	/** A leader's link replaces the group's member or observer link: the old one opens nothing from then on. */
	replaceLink: (token: string, role: ReplaceableRole) => post<RoleLink>('/api/links/replace', { token, role }),
	createGroup: (input: { name: string; plannedMinutes: number }, organiserKey?: string) =>
		post<CreatedGroup>('/api/groups', input, organiserKey ? { authorization: `Bearer ${organiserKey}` } : {}),
	createConference: (input: unknown, organiserKey?: string) =>
		post<ConferenceDescription>('/api/conferences', input, organiserKey ? { authorization: `Bearer ${organiserKey}` } : {}),
	conferenceLinks: (token: string) => post<ConferenceDescription>('/api/conferences/links', { token }),
	organiserTicket: (token: string) => post<{ ticket: string; conferenceId: string }>('/api/conferences/ticket', { token }),
	async config(): Promise<{ organiserKeyRequired: boolean }> {
		const response = await fetch('/api/config', { cache: 'no-store', credentials: 'omit' });
		return response.json();
	}
};
