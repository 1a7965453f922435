import WebSocket from 'ws';

/**
 * A person in a session without a browser: their link's token exchanged for a ticket at
 * `/api/tickets` and the sync socket opened with it, as the browser client does. The server's
 * Yjs frames are not read (`ws` answers the heartbeat's pings). On everyone else's screen such
 * a person looks the same as one in a browser, at a fraction of a browser's cost; `act` sends
 * an action as the browser would (a raised hand).
 */
export interface SocketPerson {
	name: string;
	act: (action: { type: string; [key: string]: unknown }) => void;
	close: () => void;
}

export async function socketPerson(base: string, link: string, name: string): Promise<SocketPerson> {
	const token = new URLSearchParams(new URL(link).hash.slice(1)).get('t')!;
	const answer = await fetch(`${base}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name }) });
	if (answer.status !== 200) throw new Error(`no ticket for ${name}: ${answer.status}`);
	const { ticket, group } = (await answer.json()) as { ticket: string; group: { id: string } };
	const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/sync/${group.id}?ticket=${encodeURIComponent(ticket)}`);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	ws.on('error', () => undefined);
	return { name, act: (action) => ws.send(JSON.stringify(action)), close: () => ws.close() };
}
