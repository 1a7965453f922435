import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` changed since `since` (ms), leaving out paths below `dir` that match `skip`. */
export function filesUnder(dir: string, since = 0, skip: RegExp = /^$/): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		let entries;
		try {
			entries = readdirSync(d, { withFileTypes: true });
		} catch {
			return; // gone meanwhile, or not ours to read (another user's private folder)
		}
		for (const entry of entries) {
			const path = join(d, entry.name);
			// Matched against the path below `dir`, so that where the project itself lies
			// (a CI checkout under /builds/...) cannot make every file look skipped.
			if (skip.test(relative(dir, path))) continue;
			try {
				if (entry.isDirectory()) walk(path);
				else if (entry.isFile() && statSync(path).mtimeMs >= since) out.push(path);
			} catch {
				// removed between the listing and the look
			}
		}
	};
	walk(dir);
	return out;
}

export function containing(files: string[], needles: string[]): string[] {
	return files.filter((file) => {
		let bytes: Buffer;
		try {
			bytes = readFileSync(file);
		} catch {
			return false; // removed since it was listed: it holds nothing now
		}
		// Names may be stored as UTF-8 or UTF-16 (Chromium's storage does both).
		return needles.some((n) => bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le')));
	});
}
