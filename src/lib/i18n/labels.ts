import { m } from '../paraglide/messages.js';
import type { RefusalCode } from '../session/actions';
import type { Phase } from '../session/phases';
import type { Role } from '../session/roles';

/*
 * Product words that depend on a value: one lookup each, so every screen names things alike.
 * Spelled out key by key (no `m[\`phase_${phase}\`]`): a computed key makes the bundler keep
 * every message of every language in the first page a person opens.
 */
const PHASE_NAMES: Record<Phase, () => string> = {
	gathering: m.phase_gathering,
	opening: m.phase_opening,
	'case-call': m['phase_case-call'],
	presentation: m.phase_presentation,
	questions: m.phase_questions,
	reflection: m.phase_reflection,
	return: m.phase_return,
	closing: m.phase_closing,
	ended: m.phase_ended
};
const PHASE_ABOUT: Record<Phase, () => string> = {
	gathering: m.about_gathering,
	opening: m.about_opening,
	'case-call': m['about_case-call'],
	presentation: m.about_presentation,
	questions: m.about_questions,
	reflection: m.about_reflection,
	return: m.about_return,
	closing: m.about_closing,
	ended: m.about_ended
};
const ROLE_NAMES: Record<Role, () => string> = {
	leader: m.role_leader,
	'co-leader': m['role_co-leader'],
	member: m.role_member,
	observer: m.role_observer,
	supervisor: m.role_supervisor
};
/**
 * A refusal shown on screen: the server's codes, and the client's own `not-connected` (an
 * action clicked while the connection was down, which was therefore never sent).
 */
export type ShownRefusal = RefusalCode | 'not-connected';

const REFUSALS: Record<ShownRefusal, () => string> = {
	'not-allowed': m['refused_not-allowed'],
	'session-ended': m['refused_session-ended'],
	'unknown-phase': m['refused_unknown-phase'],
	'no-next-phase': m['refused_no-next-phase'],
	'unknown-participant': m['refused_unknown-participant'],
	'not-a-member': m['refused_not-a-member'],
	'no-presenter': m['refused_no-presenter'],
	'presenter-listening': m['refused_presenter-listening'],
	'cannot-remove-leader': m['refused_cannot-remove-leader'],
	'media-unavailable': m['refused_media-unavailable'],
	'room-full': m['refused_room-full'],
	'not-connected': m['refused_not-connected'],
	'offer-members-only': m['refused_offer-members-only'],
	'offer-outside-case-call': m['refused_offer-outside-case-call'],
	'leader-message-too-long': m['refused_leader-message-too-long'],
	'leader-message-malformed': m['refused_leader-message-malformed'],
	'not-your-turn': m['refused_not-your-turn'],
	'no-round': m['refused_no-round'],
	'not-a-speaker': m['refused_not-a-speaker'],
	'bad-round-order': m['refused_bad-round-order'],
	'watchers-full': m['refused_watchers-full'],
	'cannot-refuse-leader': m['refused_cannot-refuse-leader']
};

export const phaseName = (phase: Phase): string => PHASE_NAMES[phase]();
export const phaseAbout = (phase: Phase): string => PHASE_ABOUT[phase]();
export const roleName = (role: Role): string => ROLE_NAMES[role]();
export const refusalText = (code: ShownRefusal): string => REFUSALS[code]();

/**
 * The accessible name of a button that acts on one person: its visible words first, then whose
 * it is (WCAG 2.5.3 "label in name": a voice user says what they see).
 */
export const actionFor = (action: string, name: string): string => m.action_for({ action, name });
