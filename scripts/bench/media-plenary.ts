/**
 * The conference plenary through the app, for media-scale.ts: a conference of three groups made
 * with `POST /api/conferences`, its organiser opens the plenary on the overview socket, and
 * everyone comes from their own group's link as the plenary page does: a plenary ticket, the
 * `/plenary/<id>` socket (no admission), a media token asked over it, the plenary key from the
 * link's fragment (`p`). The app grants publishing when LiveKit's webhook says someone is in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { TrackSource } from 'livekit-server-sdk';
import type { PlenaryServerMessage } from '../../src/lib/plenary/protocol';
import { freePort, startLiveKit } from '../../tests/support/livekit';
import { plenaryPerson, type PlenaryPerson } from '../../tests/support/plenary-person';
import { rtcPublisher, type PublisherOptions } from '../../tests/support/rtc-publisher';
import { startServer } from '../../tests/support/server-process';
import { BENCH_APP_ENV, type BenchPublisher, type BenchRoom } from './media-rooms';

const GROUPS = ['Group A', 'Group B', 'Group C'];
const fragmentOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1));

/** The next message of this type on a plenary socket, or a rejection that says why not. */
function next<T extends PlenaryServerMessage['type']>(
	person: PlenaryPerson,
	type: T,
	what: string,
	timeoutMs = 15_000
): Promise<Extract<PlenaryServerMessage, { type: T }>> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => done(new Error(`${what}: no ${type} within ${timeoutMs} ms${person.closed ? ` (socket closed ${person.closed.code})` : ''}`)),
			timeoutMs
		);
		const listen = (data: WebSocket.RawData, isBinary: boolean) => {
			if (isBinary) return;
			const m = JSON.parse(String(data)) as PlenaryServerMessage;
			if (m.type === type) done(null, m as Extract<PlenaryServerMessage, { type: T }>);
			else if (m.type === 'refused' && m.action === 'media-token' && type === 'media') done(new Error(`${what}: media token refused (${m.code})`));
		};
		const done = (error: Error | null, m?: Extract<PlenaryServerMessage, { type: T }>) => {
			clearTimeout(timer);
			person.ws.off('message', listen);
			if (error) reject(error);
			else resolve(m!);
		};
		person.ws.on('message', listen);
	});
}

/**
 * `subscribers` people of the three groups' member and observer links (every fifth an observer,
 * who only listens) plus the publishers: the first group's leader, then members of each group.
 */
export async function plenaryThroughApp(subscribers: number, video: PublisherOptions): Promise<BenchRoom> {
	const appPort = await freePort();
	const livekit = await startLiveKit(`http://127.0.0.1:${appPort}/api/media/webhook`);
	const dataDir = mkdtempSync(join(tmpdir(), 'balint-bench-plenary-'));
	const app = await startServer({ ...livekit.env, ...BENCH_APP_ENV, PORT: String(appPort), DATA_DIR: dataDir });
	const people: PlenaryPerson[] = [];
	let overview: WebSocket | null = null;
	const stop = async () => {
		people.splice(0).forEach((p) => p.ws.close());
		overview?.close();
		await app.stop();
		await livekit.stop();
		rmSync(dataDir, { recursive: true, force: true });
	};
	try {
		const post = async (path: string, body: object) => {
			const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
			return (await res.json()) as Record<string, any>;
		};
		const created = await post('/api/conferences', {
			name: 'Bench conference',
			timeZone: 'Europe/Stockholm',
			sessions: [{ start: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, '+00:00'), minutes: 90 }],
			groups: GROUPS.map((name) => ({ name })),
			membersPerGroup: 16
		});
		const links = (created.groups as { links: Record<string, string> }[]).map((g) => g.links);
		const plenaryKey = fragmentOf(links[0]!.member!).get('p');
		if (!plenaryKey) throw new Error('the conference links carry no plenary key');
		const ticket = await post('/api/conferences/ticket', { token: fragmentOf(created.organiserLink).get('t') });
		overview = new WebSocket(`${app.url.replace(/^http/, 'ws')}/overview/${ticket.conferenceId}?ticket=${encodeURIComponent(ticket.ticket)}`);
		await new Promise((resolve, reject) => overview!.once('open', resolve).once('error', reject));
		const opened = new Promise<void>((resolve) =>
			overview!.on('message', (data) => {
				const m = JSON.parse(String(data)) as { type: string; open?: boolean };
				if (m.type === 'plenary' && m.open) resolve();
			})
		);
		overview.send(JSON.stringify({ type: 'open-plenary', title: 'Journal club' }));
		await opened;
		const mediaRoom = `plenary-${created.conference.id}`;

		/** Someone of group `g` enters from their own link (ticket and socket, as the plenary page). */
		const enter = async (g: number, role: 'leader' | 'member' | 'observer', name: string) => {
			const person = await plenaryPerson(app.url, fragmentOf(links[g]![role]!).get('t')!, name);
			people.push(person);
			await next(person, 'plenary-state', name).catch(() => undefined);
			return person;
		};
		const token = async (person: PlenaryPerson, name: string) => {
			const answer = next(person, 'media', name);
			person.send({ type: 'media-token' });
			return (await answer).grant;
		};

		return {
			description: `through the app: a conference of ${GROUPS.length} groups, its plenary opened by the organiser, everyone from their own group's link (plenary ticket, /plenary socket, media token over it, the plenary key from the link)`,
			livekit,
			mediaKey: plenaryKey,
			async publisher(index): Promise<BenchPublisher> {
				const name = index === 0 ? 'Lena Leader' : `Speaker ${index}`;
				const person = await enter(index % GROUPS.length, index === 0 ? 'leader' : 'member', name);
				const grant = await token(person, name);
				const p = await rtcPublisher(grant.url, grant.token, {
					...video,
					mediaKey: plenaryKey,
					// The app grants publishing once LiveKit's webhook says this person is in the room.
					async beforePublish(room) {
						const identity = room.localParticipant!.identity;
						for (let tries = 0; !(await livekit.rooms.getParticipant(mediaRoom, identity)).permission?.canPublish; tries++) {
							if (tries > 100) throw new Error(`${name}: no right to publish after 10 s`);
							await new Promise((resolve) => setTimeout(resolve, 100));
						}
					}
				});
				for (let tries = 0; ; tries++) {
					const sources = (await livekit.rooms.getParticipant(mediaRoom, p.identity)).tracks.map((t) => t.source);
					if (sources.includes(TrackSource.CAMERA) && sources.includes(TrackSource.MICROPHONE)) break;
					if (tries > 300) throw new Error(`${name} publishes no camera and microphone after 30 s (LiveKit lists ${sources.join(', ') || 'nothing'})`);
					await new Promise((resolve) => setTimeout(resolve, 100));
				}
				return { identity: p.identity, kind: 'rtc-node', frames: () => p.frames, stop: () => p.stop() };
			},
			async arrive(index) {
				const name = `Person ${index + 1}`;
				const person = await enter(index % GROUPS.length, index % 5 === 4 ? 'observer' : 'member', name);
				return { enter: () => token(person, name), joined: () => undefined, leave: () => person.ws.close() };
			},
			stop
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
