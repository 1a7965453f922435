/**
 * Production entry (`npm start`): one Node process serves the built pages (adapter-node's
 * handler), the JSON API and the sync WebSocket.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { ConfigError, isLoopback, loadConfig, type Config } from '../src/lib/server/config';
import { createLogger } from '../src/lib/server/log';
import { createApp } from '../src/lib/server/app';
import { provideVideo } from '../src/lib/server/video-setup';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlerFile = join(root, 'build', 'handler.js');

/** A bad setting or a damaged data file stops start-up with its message, not a stack trace. */
async function orExit<T>(make: () => T | Promise<T>): Promise<T> {
	try {
		return await make();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
}

const config: Config = await orExit(() => loadConfig());
const logger = createLogger(config.logLevel);
if (!existsSync(handlerFile)) {
	logger.fatal('build/handler.js is missing: run `npm run build` first (npm start does it for you)');
	process.exit(1);
}
// adapter-node assumes https unless told otherwise; the header is filled below when absent.
process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';
const { handler } = (await import(pathToFileURL(handlerFile).href)) as {
	handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
};

// Until the server runs, a stop ends the process at once (a LiveKit build in progress with it).
const stopEarly = () => process.exit(0);
process.once('SIGTERM', stopEarly);
process.once('SIGINT', stopEarly);
const localLiveKit = await orExit(() => provideVideo(config, logger, root));
// The file of replaced links, if damaged, stops it too: starting without it would open those links again.
const app = await orExit(() => createApp(config, logger));
const server = createServer(async (req, res) => {
	if (await app.handleRequest(req, res)) return;
	const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
	if (!req.headers['x-forwarded-proto'] || !config.publicOrigin) req.headers['x-forwarded-proto'] = encrypted ? 'https' : 'http';
	handler(req, res);
});
server.on('upgrade', (req, socket, head) => {
	if (!app.handleUpgrade(req, socket, head)) socket.destroy();
});

server.listen(config.port, config.host, async () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
	if (localLiveKit) {
		// LiveKit's webhooks come back to the address this process really listens on (`localhost`
		// may be ::1 only); a wildcard is reached on loopback.
		const bound = typeof address === 'object' && address ? address.address : '127.0.0.1';
		const hookHost = bound === '0.0.0.0' ? '127.0.0.1' : bound === '::' ? '[::1]' : bound.includes(':') ? `[${bound}]` : bound;
		const started = await localLiveKit.start(`http://${hookHost}:${port}/api/media/webhook`);
		if (started) console.log(`Video: on (LiveKit ${config.media?.url}, loopback only)`);
	}
	if (!config.organiserKey && !isLoopback(config.host)) {
		logger.warn('ORGANISER_KEY is not set and the server listens beyond loopback: anyone who reaches it can create groups');
	}
	if (config.linkSecretSource === 'file') logger.info({ file: config.linkSecretFile }, 'links are signed with the key in this file');
	logger.info({ port }, 'Balint Room is ready');
	console.log(`Balint Room is ready: open ${config.publicOrigin ?? `http://${shownHost === '0.0.0.0' ? 'localhost' : shownHost}:${port}`}/`);
});

async function shutdown() {
	app.close();
	setTimeout(() => process.exit(0), 4000).unref();
	// LiveKit first: a child left running would hold its ports for the next start.
	await localLiveKit?.stop();
	server.close(() => process.exit(0));
}
process.off('SIGTERM', stopEarly);
process.off('SIGINT', stopEarly);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
