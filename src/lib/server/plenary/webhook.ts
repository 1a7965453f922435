import type { WebhookEvent } from 'livekit-server-sdk';
import { parsePlenaryMediaRoom } from './media';
import type { PlenaryRegistry } from './registry';

/**
 * LiveKit's webhook for a plenary's media room: keeps "in the media room" in step, gives each
 * joiner their role's rights (or puts out anyone not in the plenary), and puts out whoever
 * publishes sound disguised as another source. Any other room is the groups' (api.ts).
 */
export function plenaryWebhook(plenaries: PlenaryRegistry, roomName: string, event: WebhookEvent): void {
	const conferenceId = parsePlenaryMediaRoom(roomName);
	const plenary = conferenceId ? plenaries.get(conferenceId) : undefined;
	const identity = event.participant?.identity;
	if (!plenary || !identity) return;
	if (event.event === 'participant_joined') plenary.joinedMedia(identity);
	if (event.event === 'track_published' && event.track) plenary.publishedMedia(identity, event.track);
	if (event.event === 'participant_left' || event.event === 'participant_connection_aborted') plenary.leftMedia(identity);
}
