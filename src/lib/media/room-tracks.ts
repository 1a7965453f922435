import type { Room, Track } from 'livekit-client';
import type { LiveKit } from './encrypted-room';

type Sources = LiveKit['Track']['Source'];

/** What the gallery shows of a Room's tracks, by identity (participant id). */
export interface TrackView {
	videos: Map<string, Track>;
	/** People with no open microphone, this person included. */
	micMuted: Set<string>;
	/** Remote people who publish something. */
	publishers: Set<string>;
}

export function tracksOf(room: Room, Source: Sources): TrackView {
	const videos = new Map<string, Track>();
	const micMuted = new Set<string>();
	const publishers = new Set<string>();
	for (const p of [room.localParticipant, ...room.remoteParticipants.values()]) {
		// Only a real picture from a camera goes on a tile: a track's declared kind is the
		// sender's word, its MediaStreamTrack's kind is what it carries. One this browser has
		// unsubscribed from (audio only) shows initials at once, not a picture that no longer comes.
		const video = [...p.trackPublications.values()].find(
			(t) => t.source === Source.Camera && t.track?.mediaStreamTrack.kind === 'video' && !t.isMuted && t.isSubscribed
		);
		if (video?.track) videos.set(p.identity, video.track);
		const mic = [...p.trackPublications.values()].find((t) => t.kind === 'audio');
		if (!mic || mic.isMuted) micMuted.add(p.identity);
	}
	for (const p of room.remoteParticipants.values()) if (p.trackPublications.size > 0) publishers.add(p.identity);
	return { videos, micMuted, publishers };
}

/** The elements that play the group's voices: one per remote microphone, in a hidden host. */
export class RemoteAudio {
	readonly #host: HTMLElement;
	readonly #elements = new Map<string, HTMLMediaElement>();

	constructor(host: HTMLElement) {
		this.#host = host;
	}

	/** Plays every remote microphone not yet played, and stops the ones gone; answers how many are heard. */
	follow(room: Room, Source: Sources): number {
		const heard = new Set<string>();
		for (const p of room.remoteParticipants.values()) {
			for (const pub of p.trackPublications.values()) {
				// Sound is played only from a microphone: the one source the media server checks for it.
				if (pub.source !== Source.Microphone || pub.track?.mediaStreamTrack.kind !== 'audio') continue;
				heard.add(pub.trackSid);
				if (this.#elements.has(pub.trackSid)) continue;
				const element = pub.track.attach();
				// Whose voice this is, for the media tests' receive statistics (an id, never a name).
				element.dataset.participantId = p.identity;
				this.#host.append(element);
				this.#elements.set(pub.trackSid, element);
			}
		}
		for (const [sid, element] of this.#elements) {
			if (heard.has(sid)) continue;
			element.remove();
			this.#elements.delete(sid);
		}
		return heard.size;
	}

	clear(): void {
		for (const element of this.#elements.values()) element.remove();
		this.#elements.clear();
	}
}
