import type { Role } from '../session/roles';
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

/**
 * Reads `#t=<token>&k=<mediaKey>` from a link's fragment. What a mail client or a chat glued to
 * the end of a pasted link (a full stop, a bracket, a quote, a space, also percent-encoded) is no part of it: both
 * values are base64url, which has none of these, and the server takes only the exact token.
 */
export function readFragment(hash: string): { token: string | null; mediaKey: string | null } {
	const params = new URLSearchParams(hash.replace(/^#/, '').replace(/(?:%[0-9A-Fa-f]{2}|[^A-Za-z0-9_-])+$/, ''));
	return { token: params.get('t'), mediaKey: params.get('k') };
}
