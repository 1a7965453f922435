import { describe, expect, it } from 'vitest';
import { base64url, fromBase64url, groupMediaKey } from '../media/media-key';
import { channelKey, groupLeadersKey, leaderLinksWithKey, newLeadersKey, openMessage, sealMessage } from './leaders-key';
import { readFragment } from './link-fragment';

const GROUP = 'group-0001-abcd';

describe('the leaders channel crypto', () => {
	it('a message sealed with the leaders key opens with the same key, for the same group', async () => {
		const key = await channelKey(newLeadersKey(), GROUP);
		const text = 'Shall we move to return? 🙂 Åsa är klar.';
		const sealed = await sealMessage(key, GROUP, text);
		expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(sealed).not.toContain('return');
		expect(await openMessage(key, GROUP, sealed)).toBe(text);
	});

	it('a fresh IV each time: the same text never seals the same twice', async () => {
		const key = await channelKey(newLeadersKey(), GROUP);
		const a = await sealMessage(key, GROUP, 'same');
		const b = await sealMessage(key, GROUP, 'same');
		expect(a).not.toBe(b);
		expect(a.slice(0, 16)).not.toBe(b.slice(0, 16));
	});

	it('another key does not open it', async () => {
		const sealed = await sealMessage(await channelKey(newLeadersKey(), GROUP), GROUP, 'secret');
		await expect(openMessage(await channelKey(newLeadersKey(), GROUP), GROUP, sealed)).rejects.toThrow();
	});

	it("the same key bound to another group does not open it (key and associated data are the group's)", async () => {
		const leadersKey = newLeadersKey();
		const sealed = await sealMessage(await channelKey(leadersKey, GROUP), GROUP, 'secret');
		await expect(openMessage(await channelKey(leadersKey, 'group-0002-abcd'), 'group-0002-abcd', sealed)).rejects.toThrow();
		await expect(openMessage(await channelKey(leadersKey, GROUP), 'group-0002-abcd', sealed)).rejects.toThrow();
	});

	it('a tampered message (any byte flipped, cut short) does not open', async () => {
		const key = await channelKey(newLeadersKey(), GROUP);
		const sealed = await sealMessage(key, GROUP, 'Let us wait five more minutes.');
		const bytes = fromBase64url(sealed);
		// In the IV, in the ciphertext, in the tag.
		for (const at of [0, 11, 12, 20, bytes.length - 1]) {
			const flipped = bytes.slice();
			flipped[at]! ^= 0x01;
			await expect(openMessage(key, GROUP, base64url(flipped)), `byte ${at} flipped`).rejects.toThrow();
		}
		await expect(openMessage(key, GROUP, sealed.slice(0, -4))).rejects.toThrow();
		await expect(openMessage(key, GROUP, sealed.slice(0, 10))).rejects.toThrow();
	});

	it('goes only into the leader, co-leader and supervisor links', () => {
		const base = 'https://balint.example/room#t=tok';
		const links = {
			leader: `${base}1&k=media`,
			coLeader: `${base}2&k=media`,
			member: `${base}3&k=media`,
			observer: `${base}4&k=media`,
			supervisor: `${base}5&k=media`
		};
		const key = newLeadersKey();
		const keyed = leaderLinksWithKey(links, key);
		expect(readFragment(new URL(keyed.leader).hash)).toEqual({ token: 'tok1', mediaKey: 'media', leadersKey: key, plenaryKey: null });
		expect(readFragment(new URL(keyed.coLeader).hash).leadersKey).toBe(key);
		expect(readFragment(new URL(keyed.supervisor).hash)).toEqual({ token: 'tok5', mediaKey: 'media', leadersKey: key, plenaryKey: null });
		expect(keyed.member).toBe(links.member);
		expect(keyed.observer).toBe(links.observer);
	});

	it("a conference group's leaders key is derived from the organiser's secret, and is not its media key", async () => {
		const secret = newLeadersKey();
		const key = await groupLeadersKey(secret, GROUP);
		expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(await groupLeadersKey(secret, GROUP)).toBe(key);
		expect(await groupLeadersKey(secret, 'group-0002-abcd')).not.toBe(key);
		expect(key).not.toBe(await groupMediaKey(secret, GROUP));
	});
});
