import { m } from '../paraglide/messages.js';
import type { PlenaryRole } from './protocol';

const ROLE_NAMES: Record<PlenaryRole, () => string> = {
	moderator: m.plenary_role_moderator,
	participant: m.plenary_role_participant,
	listener: m.plenary_role_listener
};

/** A plenary role in the reader's language. */
export const plenaryRoleName = (role: PlenaryRole): string => ROLE_NAMES[role]();
