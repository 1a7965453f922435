/**
 * `npm run livekit`: puts the pinned LiveKit server in the project's tool folder
 * (`.tools/livekit-<version>/livekit-server`), building it from its Go module the first time
 * and reusing it after. `.ci/run` calls it before the tests; `npm start` finds it there.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLiveKitSaying, goCanBuild, goVersion, LIVEKIT_VERSION, toolBinary } from '../src/lib/server/livekit-binary';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = toolBinary(root);
if (existsSync(target)) {
	console.log(`LiveKit ${LIVEKIT_VERSION} is already built: ${target}`);
	process.exit(0);
}
const go = goVersion();
if (!goCanBuild(go)) {
	console.error(
		go ? `Go ${go.join('.')} is too old: LiveKit ${LIVEKIT_VERSION} needs Go 1.26 or newer.` : 'Go is not installed: LiveKit is built with Go 1.26 or newer.'
	);
	process.exit(1);
}
console.log(`Building LiveKit ${LIVEKIT_VERSION} with Go ${go!.join('.')} (the first build on a machine downloads and compiles about 900 packages)…`);
const started = Date.now();
try {
	await buildLiveKitSaying(root, console.log);
} catch (error) {
	console.error((error as Error).message);
	process.exit(1);
}
console.log(`LiveKit ${LIVEKIT_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
