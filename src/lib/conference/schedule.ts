/**
 * The planned length of the meeting a group is in: the conference session whose start lies
 * nearest to the moment the group started (groups start a little early or late). Groups of a
 * conference carry the longest session's length in their links; this is the plan that counts.
 */
export function plannedMinutesAt(sessions: readonly { start: string; minutes: number }[], startedAt: number): number | null {
	let best: { distance: number; minutes: number } | null = null;
	for (const s of sessions) {
		const distance = Math.abs(Date.parse(s.start) - startedAt);
		if (!best || distance < best.distance) best = { distance, minutes: s.minutes };
	}
	return best?.minutes ?? null;
}
