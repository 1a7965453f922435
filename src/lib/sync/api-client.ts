import type { ReplaceableRole } from '../session/roles';
import type {
	AppConfigAnswer,
	ApiErrorAnswer,
	ConferenceDescription,
	CreatedGroup,
	LinkInfo,
	OrganiserTicketAnswer,
	RoleLink,
	TicketAnswer
} from './api-types';

export type { GroupInfo, GroupLinks, CreatedGroup, LinkInfo, TicketAnswer, RoleLink } from './api-types';

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
	const data = (await response.json().catch(() => null)) as Partial<ApiErrorAnswer> | null;
	if (!response.ok) throw new ApiError(response.status, data?.error?.code ?? 'unknown', data?.error?.message ?? response.statusText);
	return data as T;
}

/** Typed calls to the server's JSON API, from the browser (the answers' types: api-types.ts). */
export const api = {
	inspectLink: (token: string) => post<LinkInfo>('/api/links/inspect', { token }),
	ticket: (token: string, name: string, seat?: string) => post<TicketAnswer>('/api/tickets', { token, name, seat }),
	/** A leader's link shows the group's current member or observer link (without its media key). */
	currentLink: (token: string, role: ReplaceableRole) => post<RoleLink>('/api/links/current', { token, role }),
	/** A leader's link replaces the group's member or observer link: the old one opens nothing from then on. */
	replaceLink: (token: string, role: ReplaceableRole) => post<RoleLink>('/api/links/replace', { token, role }),
	createGroup: (input: { name: string; plannedMinutes: number; demo?: boolean }, organiserKey?: string) =>
		post<CreatedGroup>('/api/groups', input, organiserKey ? { authorization: `Bearer ${organiserKey}` } : {}),
	createConference: (input: unknown, organiserKey?: string) =>
		post<ConferenceDescription>('/api/conferences', input, organiserKey ? { authorization: `Bearer ${organiserKey}` } : {}),
	conferenceLinks: (token: string) => post<ConferenceDescription>('/api/conferences/links', { token }),
	organiserTicket: (token: string) => post<OrganiserTicketAnswer>('/api/conferences/ticket', { token }),
	async config(): Promise<AppConfigAnswer> {
		const response = await fetch('/api/config', { cache: 'no-store', credentials: 'omit' });
		return response.json();
	}
};
