import type { Phase } from './phases';

/** What a person can ask for. The server checks each against the rules before anything changes. */
export type Action =
	| { type: 'next-phase' }
	| { type: 'set-phase'; phase: Phase }
	| { type: 'make-presenter'; participantId: string | null }
	| { type: 'set-listening'; listening: boolean }
	| { type: 'raise-hand' }
	| { type: 'lower-hand'; participantId?: string }
	| { type: 'share-timers'; shared: boolean }
	| { type: 'set-camera-rule'; cameraOffWhileListening: boolean }
	| { type: 'mute'; participantId: string }
	| { type: 'ask-help'; on: boolean }
	| { type: 'admit'; participantId: string }
	| { type: 'decline'; participantId: string }
	/** Declines everyone waiting who has not been in this session before (a flooded lobby). */
	| { type: 'decline-new' }
	| { type: 'remove'; participantId: string }
	| { type: 'end-session' };

export type ActionType = Action['type'];

/** Why an action was refused: stable codes, translated on screen. */
export type RefusalCode =
	| 'not-allowed'
	| 'session-ended'
	| 'unknown-phase'
	| 'no-next-phase'
	| 'unknown-participant'
	| 'not-a-member'
	| 'no-presenter'
	| 'presenter-listening'
	| 'cannot-remove-leader'
	| 'media-unavailable'
	/** The room holds as many people as it may (`roomCapacity`). */
	| 'room-full';
