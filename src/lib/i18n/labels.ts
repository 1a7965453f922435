import { m } from '../paraglide/messages.js';
import type { RefusalCode } from '../session/actions';
import type { Phase } from '../session/phases';
import type { Role } from '../session/roles';

/** Product words that depend on a value: one lookup each, so every screen names things alike. */
export const phaseName = (phase: Phase): string => m[`phase_${phase}`]();
export const phaseAbout = (phase: Phase): string => m[`about_${phase}`]();
export const roleName = (role: Role): string => m[`role_${role}`]();
export const refusalText = (code: RefusalCode): string => m[`refused_${code}`]();
/**
 * The accessible name of a button that acts on one person: its visible words first, then whose
 * it is (WCAG 2.5.3 "label in name": a voice user says what they see).
 */
export const actionFor = (action: string, name: string): string => m.action_for({ action, name });
