import { m } from '../paraglide/messages.js';
import type { ShownPlenaryRefusal } from './plenary-client.svelte';
import type { PlenaryRole } from './protocol';

const ROLE_NAMES: Record<PlenaryRole, () => string> = {
	moderator: m.plenary_role_moderator,
	participant: m.plenary_role_participant,
	listener: m.plenary_role_listener
};

/** A plenary role in the reader's language. */
export const plenaryRoleName = (role: PlenaryRole): string => ROLE_NAMES[role]();

const REFUSALS: Record<ShownPlenaryRefusal, () => string> = {
	'not-allowed': m.plenary_refused_not_allowed,
	'no-such-person': m.plenary_refused_no_such_person,
	'not-removable': m.plenary_refused_not_removable,
	'not-a-speaker': m.plenary_refused_not_a_speaker,
	'media-unavailable': m.plenary_refused_media_unavailable,
	'not-connected': m.plenary_not_sent
};

/** Why the server did not do what this person asked, in their language. */
export const plenaryRefusalText = (code: ShownPlenaryRefusal): string => (REFUSALS[code] ?? m.plenary_refused_not_allowed)();
