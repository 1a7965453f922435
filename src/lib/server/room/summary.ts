import type { GroupSummary } from '../../conference/types';
import { leaderPresent, type SessionState } from '../../session/state';

/** What an organiser may know of a group: counts and phase, never names or content. */
export function groupSummary(groupId: string, state: SessionState, live: boolean, waiting: number): GroupSummary {
	const people = Object.values(state.participants).filter((p) => p.connected);
	return {
		groupId,
		live,
		phase: state.phase,
		members: people.filter((p) => p.role === 'member').length,
		observers: people.filter((p) => p.role === 'observer').length,
		leaderPresent: leaderPresent(state),
		waiting,
		startedAt: state.startedAt,
		plannedMinutes: state.plannedMinutes,
		helpRequested: state.helpRequested
	};
}
