import type { Phase } from '../session/phases';

/** The API's answer lives with the other answers; re-exported for the organiser's components. */
export type { ConferenceDescription } from '../sync/api-types';

/** Members per conference group: the form, the API and the signed links all hold to this. */
export const MAX_MEMBERS_PER_GROUP = 16;
export const isMembersPerGroup = (value: unknown): value is number =>
	typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_MEMBERS_PER_GROUP;

/** What the organiser sees of one group: counts and phase, never names or content. */
export interface GroupSummary {
	groupId: string;
	live: boolean;
	phase: Phase;
	members: number;
	observers: number;
	leaderPresent: boolean;
	waiting: number;
	startedAt: number | null;
	plannedMinutes: number;
	helpRequested: boolean;
}

/**
 * What the overview socket sends. `now` is the server's clock, so that times in session are
 * counted on the server's clock rather than on a laptop whose clock may be off.
 */
export type OverviewMessage =
	| { type: 'overview'; groups: GroupSummary[]; now: number }
	| { type: 'group'; group: GroupSummary; now: number }
	| { type: 'notice-sent'; groups: number }
	| { type: 'ended-all'; groups: number }
	/** The conference's plenary: on connect and on every change (opened, ended, someone in or out). */
	| { type: 'plenary'; open: boolean; title: string | null; headcount: number }
	/** The server did not do what the organiser asked (e.g. `rate-limited` for opening and ending too often). */
	| { type: 'refused'; action: string; code: string };

/** What the organiser's page may send on the overview socket. */
export type OrganiserMessage =
	| { type: 'notice'; text: string }
	| { type: 'end-all' }
	/** Opens the conference's plenary (or, when open, renames it); the title is 1-120 characters. */
	| { type: 'open-plenary'; title: string }
	| { type: 'end-plenary' };
