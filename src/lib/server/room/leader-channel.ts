import { leaderMessageProblem } from '../../session/leader-channel';
import { inLeadersChannel } from '../../session/roles';
import type { Connection, Connections } from './connections';

/**
 * The leaders' channel on the server: a relay of ciphertext it cannot read (the key lives only
 * in the leader and supervisor links' fragment). Each message goes to the room's other leaders
 * and its supervisor with who sent it (from the ticket, never from the message) and the
 * server's time, and is then forgotten: not kept, not logged. A member's or observer's message,
 * or one too long, is refused and goes nowhere.
 */
export function relayLeaderMessage(connections: Connections, sender: Connection, ciphertext: string, at: number): void {
	const problem = leaderMessageProblem(sender.identity.role, ciphertext);
	if (problem) return connections.send(sender, { type: 'refused', action: 'leader-message', code: problem });
	const message = { type: 'leader-message', from: sender.identity.participantId, at, ciphertext } as const;
	for (const conn of connections) if (conn !== sender && conn.admitted && inLeadersChannel(conn.identity.role)) connections.send(conn, message);
}
