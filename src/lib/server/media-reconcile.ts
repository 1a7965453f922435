import { TrackSource, TrackType } from 'livekit-server-sdk';
import type { Publishing } from './media';

/**
 * What LiveKit says is in a media room, held against what the session allows, as effects for
 * the room to carry out. LiveKit's webhooks do not cover everything: a person who rejoins with
 * a token LiveKit refreshed for them is not reported until their connection is fully up, and
 * they can publish before that. So the room asks LiveKit for its participants every second.
 */
export interface MediaTrackInfo {
	type: TrackType;
	source: TrackSource;
	mimeType?: string;
}

export interface MediaParticipantInfo {
	identity: string;
	tracks: MediaTrackInfo[];
}

export type MediaEffect = { type: 'remove'; participantId: string } | { type: 'grant'; participantId: string };

/** Sound is sound whatever it is declared as: by its type, or by the codec LiveKit saw. */
function isSound(track: MediaTrackInfo): boolean {
	return track.type === TrackType.AUDIO || (track.mimeType ?? '').toLowerCase().startsWith('audio/');
}

/**
 * A track declared as something it is not: sound declared as anything but the microphone (LiveKit
 * checks a track's declared source against the permission, not its kind), or a declared type the
 * codec contradicts. Nothing of the app's own ever publishes one.
 */
export function disguisedTrack(track: MediaTrackInfo): boolean {
	const mime = (track.mimeType ?? '').toLowerCase();
	const declaredSound = track.type === TrackType.AUDIO;
	if (mime && mime.startsWith('audio/') !== declaredSound) return true;
	return isSound(track) && track.source !== TrackSource.MICROPHONE;
}

/** A track the session does not allow this person now (the presenter's microphone while they listen). */
function notAllowed(track: MediaTrackInfo, publishing: Publishing): boolean {
	return isSound(track) ? !publishing.microphone : !publishing.camera;
}

/**
 * For each person LiveKit lists: not admitted to this session (removed, left, never let in) or
 * publishing a disguised track: put out; publishing what the session does not allow: their
 * rights sent again (LiveKit then drops the track itself).
 */
export function reconcileMedia(participants: MediaParticipantInfo[], admitted: (participantId: string) => Publishing | null): MediaEffect[] {
	const effects: MediaEffect[] = [];
	for (const p of participants) {
		const publishing = admitted(p.identity);
		if (!publishing || p.tracks.some(disguisedTrack)) effects.push({ type: 'remove', participantId: p.identity });
		else if (p.tracks.some((t) => notAllowed(t, publishing))) effects.push({ type: 'grant', participantId: p.identity });
	}
	return effects;
}
