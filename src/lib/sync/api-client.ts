import type { ReplaceableRole, ShownAgainRole } from '../session/roles';
import type {
	AppConfigAnswer,
	ApiErrorAnswer,
	ConferenceDescription,
	CreatedGroup,
	LinkInfo,
	OrganiserTicketAnswer,
	PlenaryStatus,
	PlenaryTicketAnswer,
	RoleLink,
	TicketAnswer
} from './api-types';

/** `POST /api/groups`'s `series` (docs/api.md; the create form's SeriesDraft makes it). */
export interface GroupSeriesRequest {
	timeZone: string;
	start: string;
	minutes: number;
	dates?: string[];
	rule?: { everyWeeks: number; weekday: number; from: string; until: string };
}

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
	/** `passphrase`: the leaders' passphrase, for a leader link whose group has one (inspect says so). */
	ticket: (token: string, name: string, seat?: string, passphrase?: string) => post<TicketAnswer>('/api/tickets', { token, name, seat, passphrase }),
	/** A leader in the room (link and seat) shows the group's current member or observer link (without its keys). */
	currentLink: (token: string, role: ShownAgainRole, seat: string | undefined) => post<RoleLink>('/api/links/current', { token, role, seat }),
	/** A leader in the room (link and seat) replaces one of the group's links: the old one opens nothing from then on. */
	replaceLink: (token: string, role: ReplaceableRole, seat: string | undefined) => post<RoleLink>('/api/links/replace', { token, role, seat }),
	createGroup: (
		input: { name: string; plannedMinutes: number; demo?: boolean; series?: GroupSeriesRequest; leaderPassphrase?: string },
		organiserKey?: string
	) => post<CreatedGroup>('/api/groups', input, organiserKey ? { authorization: `Bearer ${organiserKey}` } : {}),
	createConference: (input: unknown, organiserKey?: string) =>
		post<ConferenceDescription>('/api/conferences', input, organiserKey ? { authorization: `Bearer ${organiserKey}` } : {}),
	conferenceLinks: (token: string) => post<ConferenceDescription>('/api/conferences/links', { token }),
	organiserTicket: (token: string) => post<OrganiserTicketAnswer>('/api/conferences/ticket', { token }),
	/** Whether the conference's plenary is open: a group link of the conference, or the organiser's. */
	plenaryStatus: (token: string) => post<PlenaryStatus>('/api/plenary/status', { token }),
	/** A ticket for the plenary's socket; `seat` (from the last answer) resumes the same person. */
	plenaryTicket: (token: string, name: string, seat?: string) => post<PlenaryTicketAnswer>('/api/plenary/ticket', { token, name, seat }),
	async config(): Promise<AppConfigAnswer> {
		const response = await fetch('/api/config', { cache: 'no-store', credentials: 'omit' });
		return response.json();
	}
};
