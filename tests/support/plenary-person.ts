import WebSocket from 'ws';
import type { PlenaryServerMessage, PlenaryState } from '../../src/lib/plenary/protocol';
import type { PlenaryTicketAnswer } from '../../src/lib/sync/api-types';

/**
 * A person in a conference plenary without a browser: a link's token (or the organiser's)
 * exchanged at `/api/plenary/ticket`, then the plenary socket, recording every message. For
 * server tests, and to fill a plenary around a few real browsers.
 */
export interface PlenaryPerson {
	answer: PlenaryTicketAnswer;
	ws: WebSocket;
	messages: PlenaryServerMessage[];
	closed: { code: number; reason: string } | null;
	/** The last state the server sent. */
	state(): PlenaryState | null;
	send(message: unknown): void;
}

export async function plenaryTicket(base: string, token: string, name?: string, seat?: string): Promise<{ status: number; json: any }> {
	const res = await fetch(`${base}/api/plenary/ticket`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ token, ...(name ? { name } : {}), ...(seat ? { seat } : {}) })
	});
	return { status: res.status, json: await res.json() };
}

/** Opens a plenary socket with this ticket answer and waits for it to open (not for the first message). */
export async function plenarySocket(base: string, answer: PlenaryTicketAnswer, path = `/plenary/${answer.conferenceId}`): Promise<PlenaryPerson> {
	const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${path}?ticket=${encodeURIComponent(answer.ticket)}`);
	const person: PlenaryPerson = {
		answer,
		ws,
		messages: [],
		closed: null,
		state() {
			for (let i = person.messages.length - 1; i >= 0; i--) {
				const m = person.messages[i]!;
				if (m.type === 'plenary-state') return m.state;
			}
			return null;
		},
		send: (message) => ws.send(JSON.stringify(message))
	};
	ws.on('message', (data, isBinary) => {
		if (!isBinary) person.messages.push(JSON.parse(data.toString()) as PlenaryServerMessage);
	});
	ws.on('close', (code, reason) => (person.closed = { code, reason: reason.toString() }));
	ws.on('error', () => undefined);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
	});
	return person;
}

/** Ticket and socket in one, for a token that is expected to get in. */
export async function plenaryPerson(base: string, token: string, name?: string, seat?: string): Promise<PlenaryPerson> {
	const { status, json } = await plenaryTicket(base, token, name, seat);
	if (status !== 200) throw new Error(`no plenary ticket for ${name ?? 'the organiser'}: ${status} ${JSON.stringify(json)}`);
	return plenarySocket(base, json as PlenaryTicketAnswer);
}
