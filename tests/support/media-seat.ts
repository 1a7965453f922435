import WebSocket from 'ws';

/**
 * A person in a session without a browser who also takes their seat in the media room: their
 * link exchanged for a ticket and the sync socket opened with it (as `socket-person.ts`), then,
 * once a leader admits them, a media token asked over that socket as the browser asks. The
 * media key is the link's `k`, which only the link carries. What joins LiveKit with the token
 * (an rtc-node participant) is the caller's.
 */
export interface MediaSeat {
	name: string;
	/** The group's media key from the link's fragment. */
	mediaKey: string;
	/** Resolves once a leader has admitted this person: their id (their media identity) and the session's media room. */
	admitted: Promise<{ participantId: string; mediaRoom: string }>;
	/** A media token for the session's media room (after admission). */
	mediaToken(timeoutMs?: number): Promise<{ url: string; token: string }>;
	/** Tells the server this person is in the media room, so it grants what the session allows. */
	joined(): void;
	/** Why the server closed this socket (`code reason`), once it has. */
	readonly closedWith: string | null;
	/** Sends an action as the browser would (a leader's `admit-all`). */
	act(action: { type: string; [key: string]: unknown }): void;
	close(): void;
}

export async function mediaSeat(base: string, link: string, name: string): Promise<MediaSeat> {
	const fragment = new URLSearchParams(new URL(link).hash.slice(1));
	const token = fragment.get('t')!;
	const mediaKey = fragment.get('k');
	if (!mediaKey) throw new Error(`the link for ${name} carries no media key`);
	const answer = await fetch(`${base}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name }) });
	if (answer.status !== 200) throw new Error(`no ticket for ${name}: ${answer.status}`);
	const { ticket, group } = (await answer.json()) as { ticket: string; group: { id: string } };
	const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/sync/${group.id}?ticket=${encodeURIComponent(ticket)}`);
	const listeners = new Set<(message: { type: string; [key: string]: unknown }) => void>();
	ws.on('message', (data, isBinary) => {
		// Binary frames are the Yjs document's; the session's own messages are JSON text.
		if (isBinary) return;
		const message = JSON.parse(String(data)) as { type: string };
		listeners.forEach((listen) => listen(message));
	});
	const admitted = new Promise<{ participantId: string; mediaRoom: string }>((resolve) => {
		const listen = (message: { type: string; [key: string]: unknown }) => {
			if (message.type !== 'admitted') return;
			listeners.delete(listen);
			resolve({ participantId: String(message.participantId), mediaRoom: String(message.mediaRoom) });
		};
		listeners.add(listen);
	});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	ws.on('error', () => undefined);
	let closedWith: string | null = null;
	ws.on('close', (code, reason) => (closedWith = `${code} ${String(reason)}`.trim()));
	return {
		name,
		mediaKey,
		admitted,
		mediaToken(timeoutMs = 15_000) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					listeners.delete(listen);
					reject(new Error(`no media token for ${name} within ${timeoutMs} ms`));
				}, timeoutMs);
				const listen = (message: { type: string; [key: string]: unknown }) => {
					if (message.type === 'refused' && message.action === 'media-token') reject(new Error(`media token refused for ${name}: ${String(message.code)}`));
					else if (message.type !== 'media-token') return;
					else resolve({ url: String(message.url), token: String(message.token) });
					listeners.delete(listen);
					clearTimeout(timer);
				};
				listeners.add(listen);
				ws.send(JSON.stringify({ type: 'media-token' }));
			});
		},
		joined: () => ws.send(JSON.stringify({ type: 'media-joined' })),
		act: (action) => ws.send(JSON.stringify(action)),
		get closedWith() {
			return closedWith;
		},
		close: () => ws.close()
	};
}
