/** The words the video room and its screens share; no LiveKit in here, so any page may import them. */
export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface MediaGrant {
	url: string;
	token: string;
}

/** What the media room needs from the session: tokens, and a word once it is in. */
export interface MediaSession {
	token(): Promise<MediaGrant>;
	/** Asks the server for this person's publishing rights (the token carries none). */
	joined(): void;
}

/** What a person chose before entering the video room. */
export interface MediaChoices {
	micOn: boolean;
	cameraOn: boolean;
	audioInput?: string;
	videoInput?: string;
}
