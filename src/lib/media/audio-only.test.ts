import { describe, expect, it } from 'vitest';
import type { Room } from 'livekit-client';
import { Receiving } from './audio-only';

// livekit-client's own numbering is not needed: any two distinct values stand for the sources.
const Source = { Camera: 'camera', Microphone: 'microphone' } as unknown as Parameters<Receiving['follow']>[1];

/** A room with one remote person publishing a camera and a microphone; records what is asked of the media server. */
function roomWith(...sources: string[]) {
	const asked: string[] = [];
	const publications = new Map(sources.map((source, i) => [`T${i}`, { source, setSubscribed: (on: boolean) => void asked.push(`${source} ${on}`) }]));
	const room = { remoteParticipants: new Map([['p', { trackPublications: publications }]]) } as unknown as Room;
	return { room, asked, publications };
}

describe('what a browser in audio only receives', () => {
	it('unsubscribes from pictures and keeps the voices; asks again only for a change', () => {
		const receiving = new Receiving();
		const { room, asked } = roomWith('camera', 'microphone');
		expect(receiving.enter()).toEqual({ autoSubscribe: true });
		receiving.follow(room, Source);
		expect(asked).toEqual([]);
		receiving.audioOnly = true;
		receiving.follow(room, Source);
		receiving.follow(room, Source);
		expect(asked).toEqual(['camera false']);
		receiving.audioOnly = false;
		receiving.follow(room, Source);
		expect(asked).toEqual(['camera false', 'camera true']);
	});

	it('a publication that appears later is held to the same choice', () => {
		const receiving = new Receiving();
		const { room, asked, publications } = roomWith('microphone');
		receiving.enter();
		receiving.audioOnly = true;
		receiving.follow(room, Source);
		publications.set('T9', { source: 'camera', setSubscribed: (on: boolean) => void asked.push(`camera ${on}`) });
		receiving.follow(room, Source);
		expect(asked).toEqual(['camera false']);
	});

	it('a room entered in audio only subscribes to nothing by itself and asks for the voices alone', () => {
		const receiving = new Receiving();
		receiving.audioOnly = true;
		expect(receiving.enter()).toEqual({ autoSubscribe: false });
		const { room, asked } = roomWith('camera', 'microphone');
		receiving.follow(room, Source);
		expect(asked).toEqual(['microphone true']);
		// Back from audio only in that room: the picture is asked for now.
		receiving.audioOnly = false;
		receiving.follow(room, Source);
		expect(asked).toEqual(['microphone true', 'camera true']);
	});
});
