/** The course of one Balint session (docs/balint.md), in its usual order; the rules in brief: docs/architecture.md. */
export const PHASES = ['gathering', 'opening', 'case-call', 'presentation', 'questions', 'reflection', 'return', 'closing', 'ended'] as const;

export type Phase = (typeof PHASES)[number];

export function isPhase(value: unknown): value is Phase {
	return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

/**
 * "Next" follows the usual order. After `return` it goes to `closing`; a second case is a
 * deliberate jump to `case-call`. `closing` never steps into `ended` by "next": ending is its
 * own, confirmed action.
 */
export function nextPhase(phase: Phase): Phase | null {
	if (phase === 'closing' || phase === 'ended') return null;
	const index = PHASES.indexOf(phase);
	return PHASES[index + 1] ?? null;
}

/** Phases a leader may choose by hand (`ended` only comes from ending the session). */
export const SETTABLE_PHASES: readonly Phase[] = PHASES.filter((p) => p !== 'ended');
