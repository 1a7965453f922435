import { m } from '../paraglide/messages.js';
import type { RefusalCode } from '../session/actions';
import type { Phase } from '../session/phases';
import type { Role } from '../session/roles';

/** Product words that depend on a value: one lookup each, so every screen names things alike. */
export const phaseName = (phase: Phase): string => m[`phase_${phase}`]();
export const phaseAbout = (phase: Phase): string => m[`about_${phase}`]();
export const roleName = (role: Role): string => m[`role_${role}`]();
export const refusalText = (code: RefusalCode): string => m[`refused_${code}`]();
