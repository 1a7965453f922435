import type { Config } from './config';
import { ConfigError, isLoopback } from './config';
import { buildLiveKitSaying, findLiveKit, goCanBuild, LIVEKIT_VERSION } from './livekit-binary';
import { localLiveKit, type LocalLiveKit } from './livekit-local';
import type { Logger } from './log';

/**
 * How `npm start` gets video, in this order: LIVEKIT_* when set; else (VIDEO=auto or on) the
 * project's own build of the pinned LiveKit, or a `livekit-server` on PATH; else, when Go 1.26+ is there,
 * the pinned version built once (with progress on the console); else no video, with the one
 * command that adds it. VIDEO=off skips all of it. Returns the LiveKit the app must run, if any.
 */
export async function provideVideo(
	config: Config,
	logger: Logger,
	projectRoot: string,
	say: (line: string) => void = console.log
): Promise<LocalLiveKit | null> {
	if (config.media || config.video === 'off') return null;
	// The app's own LiveKit is reachable from this machine only: browsers elsewhere would be
	// sent to their own 127.0.0.1. Serving others needs a LiveKit with a public address.
	if (!isLoopback(config.host) && config.video === 'auto') {
		say(
			'Video: off. The app serves other computers (HOST is not loopback), and the LiveKit it can run itself is reachable from this machine only: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET for a LiveKit with a public address and TLS (docs/media.md), or VIDEO=on to use the local one anyway.'
		);
		return null;
	}
	let binary = findLiveKit(projectRoot);
	if (!binary && goCanBuild()) {
		say(`Video: building LiveKit's media server ${LIVEKIT_VERSION} from its Go module, once (a few minutes on a fresh machine; VIDEO=off skips this)…`);
		try {
			binary = await buildLiveKitSaying(projectRoot, say);
			say(`Video: LiveKit built (${binary}).`);
		} catch (error) {
			logger.warn({ err: { message: (error as Error).message } }, 'video: building livekit-server failed');
		}
	}
	if (!binary) {
		if (config.video === 'on')
			throw new ConfigError(
				'VIDEO=on, but there is no livekit-server: run `npm run livekit` (needs Go 1.26 or newer), or set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET.'
			);
		say('Video: off. `npm run livekit` adds it (needs Go 1.26 or newer), or set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET.');
		return null;
	}
	if (!isLoopback(config.host)) {
		logger.warn(
			'video: VIDEO=on with a HOST beyond loopback: the LiveKit started here listens on 127.0.0.1 only, so only browsers on this machine get video (docs/media.md)'
		);
	}
	const local = localLiveKit({
		binary,
		port: config.localLiveKitPort,
		logger,
		// LiveKit at warn prints no display names (tests/e2e/media-real.spec.ts searches its output);
		// what it does print are problems worth an operator's eye.
		onOutput: (line) => logger.warn({ livekit: line.slice(0, 500) }, 'video: livekit-server says')
	});
	config.media = local.media;
	return local;
}
