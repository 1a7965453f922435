import { describe, expect, it } from 'vitest';
import { readFragment } from '../sync/link-fragment';
import { base64url, groupMediaKey, linksWithPlenaryKey, newMediaKey, plenaryMediaKey } from './media-key';

describe('plenaryMediaKey', () => {
	const secret = newMediaKey();

	it('is the same for everyone holding the secret, and differs per conference', async () => {
		const key = await plenaryMediaKey(secret, 'conf-0001');
		expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(await plenaryMediaKey(secret, 'conf-0001')).toBe(key);
		expect(await plenaryMediaKey(secret, 'conf-0002')).not.toBe(key);
		expect(await plenaryMediaKey(newMediaKey(), 'conf-0001')).not.toBe(key);
	});

	it('is no group key: a group with the conference id for its id gets another key', async () => {
		expect(await plenaryMediaKey(secret, 'conf-0001')).not.toBe(await groupMediaKey(secret, 'conf-0001'));
	});

	it('keeps a 32-byte secret of older conferences at full length', async () => {
		const older = base64url(new Uint8Array(32).fill(7));
		expect(await plenaryMediaKey(older, 'conf-0001')).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});

	it('goes into every link as p, beside what the fragment held', async () => {
		const key = await plenaryMediaKey(secret, 'conf-0001');
		const links = linksWithPlenaryKey({ member: 'https://x.example/room#t=tok&k=media', leader: 'https://x.example/room#t=tok2&k=media&l=lead' }, key);
		expect(readFragment(new URL(links.member).hash)).toEqual({ token: 'tok', mediaKey: 'media', leadersKey: null, plenaryKey: key });
		expect(readFragment(new URL(links.leader).hash)).toEqual({ token: 'tok2', mediaKey: 'media', leadersKey: 'lead', plenaryKey: key });
	});
});
