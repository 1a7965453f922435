import { describe, expect, it } from 'vitest';
import { TrackSource, TrackType } from 'livekit-server-sdk';
import { disguisedTrack, reconcileMedia } from './media-reconcile';

const mic = { type: TrackType.AUDIO, source: TrackSource.MICROPHONE, mimeType: 'audio/red' };
const camera = { type: TrackType.VIDEO, source: TrackSource.CAMERA, mimeType: 'video/VP8' };
const open = { microphone: true, camera: true };
const listening = { microphone: false, camera: true };

describe('disguisedTrack', () => {
	it('knows sound by its type or its codec, and allows it only as the microphone', () => {
		expect(disguisedTrack(mic)).toBe(false);
		expect(disguisedTrack(camera)).toBe(false);
		expect(disguisedTrack({ type: TrackType.AUDIO, source: TrackSource.CAMERA })).toBe(true);
		expect(disguisedTrack({ type: TrackType.AUDIO, source: TrackSource.SCREEN_SHARE_AUDIO })).toBe(true);
		// Declared as a camera video, but the codec LiveKit saw is Opus.
		expect(disguisedTrack({ type: TrackType.VIDEO, source: TrackSource.CAMERA, mimeType: 'audio/opus' })).toBe(true);
		// Declared as the microphone's sound, carrying a picture.
		expect(disguisedTrack({ type: TrackType.AUDIO, source: TrackSource.MICROPHONE, mimeType: 'video/VP8' })).toBe(true);
		// Before the first packet LiveKit may not know the codec yet: the declared type decides.
		expect(disguisedTrack({ type: TrackType.VIDEO, source: TrackSource.CAMERA, mimeType: '' })).toBe(false);
	});
});

describe('reconcileMedia', () => {
	it('puts out whoever the session has not admitted or who disguises a track, and re-sends rights to whoever publishes what they may not', () => {
		const rights: Record<string, typeof open> = { ana: open, pia: listening, olle: { microphone: false, camera: false } };
		const effects = reconcileMedia(
			[
				{ identity: 'ana', tracks: [mic, camera] },
				{ identity: 'pia', tracks: [camera] },
				{ identity: 'pia2', tracks: [] },
				{ identity: 'olle', tracks: [] }
			],
			(id) => rights[id] ?? null
		);
		expect(effects).toEqual([{ type: 'remove', participantId: 'pia2' }]);
		expect(reconcileMedia([{ identity: 'pia', tracks: [camera, mic] }], (id) => rights[id] ?? null)).toEqual([{ type: 'grant', participantId: 'pia' }]);
		expect(reconcileMedia([{ identity: 'olle', tracks: [camera] }], (id) => rights[id] ?? null)).toEqual([{ type: 'grant', participantId: 'olle' }]);
		expect(reconcileMedia([{ identity: 'pia', tracks: [{ ...camera, mimeType: 'audio/opus' }] }], (id) => rights[id] ?? null)).toEqual([
			{ type: 'remove', participantId: 'pia' }
		]);
	});
});
