import { describe, expect, it } from 'vitest';
import { LeaderChannel } from './leader-channel.svelte';
import { newLeadersKey } from './leaders-key';

const GROUP = 'group-0001-abcd';

describe("the leaders' channel", () => {
	it('opens what a leader sealed, under the sender the server names; a relabelled sender opens nothing', async () => {
		const key = newLeadersKey();
		const lena = new LeaderChannel(key, GROUP);
		const carl = new LeaderChannel(key, GROUP);
		const ciphertext = (await lena.seal('Shall we move to the return?', 'leader-0001'))!;
		await carl.receive({ from: 'leader-0001', at: 1, ciphertext }, 'Lena');
		// The same bytes, said by the server to come from someone else.
		await carl.receive({ from: 'leader-0002', at: 2, ciphertext }, 'Carl');
		expect(carl.messages.map((m) => [m.from, m.text])).toEqual([
			['leader-0001', 'Shall we move to the return?'],
			['leader-0002', null]
		]);
	});

	it('forgets every message and the key at the end', async () => {
		const channel = new LeaderChannel(newLeadersKey(), GROUP);
		channel.sent('leader-0001', 'Lena', 'hello', 1);
		channel.wipe();
		expect(channel.messages).toEqual([]);
		expect(channel.available).toBe(false);
		expect(await channel.seal('again', 'leader-0001')).toBeNull();
	});
});
