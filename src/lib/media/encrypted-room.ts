import type { ExternalE2EEKeyProvider, Room } from 'livekit-client';
import type { MediaChoices } from './media-types';

export type LiveKit = typeof import('livekit-client');

/** What every attempt to enter needs: the library, its E2EE worker, and a key provider holding the group's key. */
export interface RoomKit {
	lk: LiveKit;
	keyProvider: ExternalE2EEKeyProvider;
	E2EEWorker: new () => Worker;
}

/** livekit-client (~150 kB) and its worker are imported here only, when a person enters the video room. */
export async function roomKit(mediaKey: string): Promise<RoomKit> {
	const lk = await import('livekit-client');
	const { default: E2EEWorker } = await import('livekit-client/e2ee-worker?worker');
	const keyProvider = new lk.ExternalE2EEKeyProvider();
	await keyProvider.setKey(mediaKey);
	return { lk, keyProvider, E2EEWorker };
}

/** A fresh Room that encrypts everything with the group's key, and its own E2EE worker. */
export function encryptedRoom({ lk, keyProvider, E2EEWorker }: RoomKit, choices: MediaChoices): { room: Room; worker: Worker } {
	const worker = new E2EEWorker();
	const room = new lk.Room({
		adaptiveStream: true,
		dynacast: true,
		encryption: { keyProvider, worker },
		audioCaptureDefaults: choices.audioInput ? { deviceId: choices.audioInput } : undefined,
		// A muted microphone is released, not just silenced: no packet leaves (the presenter
		// falls silent the moment listening begins) and the device's light goes off.
		publishDefaults: { stopMicTrackOnMute: true },
		// 540p is plenty for a gallery of eight faces, and spares a clinic laptop's CPU.
		videoCaptureDefaults: { resolution: lk.VideoPresets.h540.resolution, ...(choices.videoInput ? { deviceId: choices.videoInput } : {}) }
	});
	return { room, worker };
}

/**
 * A frame the E2EE worker could not decrypt for want of the right key: the worker sends its
 * reason as the message's first word ("InvalidKey: Decryption failed…", "MissingKey: …"); an
 * internal error says nothing about keys.
 */
export const isKeyError = (error: Error | undefined): boolean => /^(InvalidKey|MissingKey):/.test(error?.message ?? '');

/**
 * This browser's own key is the wrong one: at least two others publish, and nobody's media
 * can be decrypted. With only one other person, either key could be the wrong one, so only
 * their tile says so.
 */
export function ownKeyWrong(publishers: ReadonlySet<string>, undecryptable: ReadonlySet<string>): boolean {
	const others = [...publishers];
	return others.length >= 2 && others.every((id) => undecryptable.has(id));
}
