/**
 * The room's few icons, drawn here as SVG paths on a 24-unit grid (stroked, round ends): an
 * emoji such as ✋ or 🎧 shows as an empty box on a computer without an emoji font, and no
 * icon font or image is fetched from anywhere.
 */
export const ICONS = {
	/** A raised hand. */
	hand: [
		'M7.5 12V6a1.5 1.5 0 0 1 3 0v5',
		'M10.5 10.5V4.5a1.5 1.5 0 0 1 3 0v6',
		'M13.5 10.5V5.5a1.5 1.5 0 0 1 3 0v6',
		'M16.5 11.5V8a1.5 1.5 0 0 1 3 0v6a7 7 0 0 1-7 7h-.6a6 6 0 0 1-4.7-2.3l-3-3.9a1.5 1.5 0 0 1 2.3-1.9l1 1.2V12'
	],
	/** Headphones: the presenter listens. */
	headphones: [
		'M4 16v-4a8 8 0 0 1 16 0v4',
		'M4 15h2.5a1 1 0 0 1 1 1v4a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1z',
		'M20 15h-2.5a1 1 0 0 0-1 1v4a1 1 0 0 0 1 1H19a1 1 0 0 0 1-1z'
	],
	/** A speech bubble: the presenter may speak, or presents. */
	speech: ['M4 5.5A1.5 1.5 0 0 1 5.5 4h13A1.5 1.5 0 0 1 20 5.5v9a1.5 1.5 0 0 1-1.5 1.5H10l-4.5 4v-4h0A1.5 1.5 0 0 1 4 14.5z'],
	/** A closed padlock: media is end-to-end encrypted. */
	lock: ['M6.5 11h11a1.5 1.5 0 0 1 1.5 1.5v6a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 5 18.5v-6A1.5 1.5 0 0 1 6.5 11z', 'M8 11V8a4 4 0 0 1 8 0v3'],
	/** Three dots: more actions for one person. */
	more: ['M5.5 12h.01', 'M12 12h.01', 'M18.5 12h.01'],
	/** A cross: dismiss. */
	close: ['M6 6l12 12', 'M18 6L6 18'],
	/** A clock: someone is waiting. */
	clock: ['M12 3.5a8.5 8.5 0 1 1 0 17a8.5 8.5 0 0 1 0-17z', 'M12 7.5V12l3 2'],
	/** A circular arrow: the connection is coming back. */
	reconnect: ['M19.5 12a7.5 7.5 0 1 1-2.2-5.3', 'M19.5 4v4.5H15'],
	/** An open eye: observers watching a demonstration group. */
	eye: ['M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z', 'M12 9a3 3 0 1 1 0 6a3 3 0 0 1 0-6z']
} as const satisfies Record<string, readonly string[]>;

export type IconName = keyof typeof ICONS;
