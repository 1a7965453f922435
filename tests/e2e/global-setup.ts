import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server-process';

/**
 * Starts the built server on a free port and hands its address to the tests through
 * E2E_BASE_URL. `npm test` builds first.
 */
export default async function globalSetup() {
	const dataDir = mkdtempSync(join(tmpdir(), 'balint-e2e-'));
	const server = await startServer({ DATA_DIR: dataDir });
	process.env.E2E_BASE_URL = server.url;
	return async () => {
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	};
}
