import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../support/server-process';
import { freePort, startLiveKit, type TestLiveKit } from '../support/livekit';
import config from '../../playwright.config';
import type { GroupLinks } from '../../src/lib/sync/api-types';
import { expect, test } from './fixtures';

/**
 * The app wired to the real LiveKit server (the pinned build, `npm run livekit`), both on free
 * ports, with a data folder of their own: what every spec that judges media by what really
 * arrives sets up the same way.
 */
export interface LiveKitApp {
	app: ServerProcess;
	livekit: TestLiveKit;
	dataDir: string;
	/** A group made through the app's API (`extra`: demo, series…), as a leader's page would. */
	createGroup(name: string, extra?: Record<string, unknown>): Promise<{ id: string; links: GroupLinks }>;
	stop(): Promise<void>;
}

export async function startLiveKitApp(label: string, env: Record<string, string> = {}): Promise<LiveKitApp> {
	const port = await freePort();
	const livekit = await startLiveKit(`http://127.0.0.1:${port}/api/media/webhook`);
	const dataDir = mkdtempSync(join(tmpdir(), `balint-${label}-`));
	let app: ServerProcess;
	try {
		app = await startServer({ ...livekit.env, PORT: String(port), DATA_DIR: dataDir, ...env });
	} catch (error) {
		await livekit.stop();
		rmSync(dataDir, { recursive: true, force: true });
		throw error;
	}
	return {
		app,
		livekit,
		dataDir,
		async createGroup(name, extra = {}) {
			const response = await fetch(`${app.url}/api/groups`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name, ...extra })
			});
			expect(response.status).toBe(201);
			const body = (await response.json()) as { group: { id: string }; links: GroupLinks };
			return { id: body.group.id, links: body.links };
		},
		async stop() {
			await app.stop();
			await livekit.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** One LiveKit and one app for the whole spec file: started before its first test, stopped after its last. Read it inside a test. */
export function useLiveKitApp(label: string, env: Record<string, string> = {}): () => LiveKitApp {
	let started: LiveKitApp | undefined;
	test.beforeAll(async () => {
		started = await startLiveKitApp(label, env);
	});
	test.afterAll(async () => {
		await started?.stop();
	});
	return () => {
		if (!started) throw new Error('the LiveKit app is not started: call useLiveKitApp at the top of the spec file');
		return started;
	};
}

/** Chromium's launch options with received audio played without a click (headless): audio has energy only while it plays. */
export function autoplayLaunchOptions() {
	const launch = config.use?.launchOptions ?? {};
	return { ...launch, args: [...(launch.args ?? []), '--autoplay-policy=no-user-gesture-required'] };
}
