import type { PlenaryRole } from '../plenary/protocol';
import type { ReplaceableRole, Role } from '../session/roles';

/**
 * The JSON API's answers, declared once: the server builds them, the browser's calls
 * (api-client.ts) and the tests read them. Types only, so any side may import it.
 * docs/api.md describes each endpoint.
 */

export interface GroupInfo {
	id: string;
	name: string;
	plannedMinutes: number;
	/** Part of a conference: leaders can ask its organiser for help. */
	inConference?: boolean;
	/** A demonstration group (the workshop fishbowl): observers are many and shown as a count. */
	demo?: boolean;
	/** The group's meetings, when it was made with a series (issue 14). */
	series?: MeetingSeries;
}

/** `POST /api/links/inspect`'s word on a leader or co-leader link whose group has a leaders' passphrase: the join form asks for it. */
export interface PassphraseInfo {
	passphrase?: true;
}

/** One meeting of a group's series: its start as a UTC ISO instant, and its planned length. */
export interface Meeting {
	start: string;
	minutes: number;
}

/** A group's meeting series as the API gives it: every meeting in order, and the zone it was planned in. */
export interface MeetingSeries {
	timeZone: string;
	meetings: Meeting[];
}

/** A group's links, one full URL per role, in the API's names (`links.ts` maps roles to them). */
export type GroupLinks = { leader: string; coLeader: string; member: string; observer: string; supervisor: string };

/** `POST /api/groups`; `passphrase` when the leaders set one (their links ask for it). */
export interface CreatedGroup extends PassphraseInfo {
	group: GroupInfo;
	links: GroupLinks;
	expiresAt: string;
}

/** `POST /api/links/inspect`. */
export interface LinkInfo extends PassphraseInfo {
	group: GroupInfo;
	role: Role;
	expiresAt: string;
}

/** `POST /api/tickets`. */
export interface TicketAnswer {
	ticket: string;
	participantId: string;
	name: string;
	role: Role;
	seat: string;
	group: GroupInfo;
}

/** A link as a leader in the room gets it (`/api/links/current`: member or observer; `/api/links/replace`: any the leader overrules). */
export interface RoleLink {
	role: ReplaceableRole;
	token: string;
	/** The link without its keys: the leader's page adds the ones it holds (media, leaders', plenary). */
	link: string;
	expiresAt: string;
	/** False when a replacement is in force but the server could not write it down: a restart would undo it. */
	saved: boolean;
}

/** A conference as the API describes it (`POST /api/conferences`, `/api/conferences/links`): everything the organiser hands out. */
export interface ConferenceDescription {
	conference: { id: string; name: string; timeZone: string; membersPerGroup: number; sessions: { start: string; minutes: number }[] };
	organiserLink: string;
	expiresAt: string;
	groups: { id: string; name: string; leaders: string[]; links: GroupLinks }[];
}

/** `POST /api/conferences/ticket`: a ticket for the organiser's overview socket. */
export interface OrganiserTicketAnswer {
	ticket: string;
	conferenceId: string;
}

/** `POST /api/plenary/status {token}` (a group link of the conference, or the organiser token). */
export interface PlenaryStatus {
	open: boolean;
	/** The organiser's title while it is open, else null. */
	title: string | null;
	/** People connected to it now. */
	headcount: number;
}

/** `POST /api/plenary/ticket {token, name?, seat?}`: a single-use ticket for `/plenary/<conferenceId>`. */
export interface PlenaryTicketAnswer {
	ticket: string;
	participantId: string;
	name: string;
	role: PlenaryRole;
	/** Signed: sent back with the next ticket request, it resumes the same person. Page memory only. */
	seat: string;
	conferenceId: string;
	title: string;
}

/** `GET /api/config`. */
export interface AppConfigAnswer {
	organiserKeyRequired: boolean;
	video: boolean;
}

/** Every refusal: a stable code (translated in the browser) and the server's English. */
export interface ApiErrorAnswer {
	error: { code: string; message: string };
}
