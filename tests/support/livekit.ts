import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { AccessToken, RoomServiceClient, type VideoGrant } from 'livekit-server-sdk';
import { toolBinary } from '../../src/lib/server/livekit-binary';
import { localLiveKit, type LocalLiveKit } from '../../src/lib/server/livekit-local';

/**
 * A real LiveKit server for one test file: the pinned build in the project's tool folder
 * (`npm run livekit`; `.ci/run` does it), started with the same configuration the app uses
 * for its own, on free ports, and stopped after.
 */
export function liveKitBinary(): string {
	const binary = toolBinary(process.cwd());
	if (!existsSync(binary)) throw new Error(`no LiveKit server at ${binary}: run \`npm run livekit\` first (it builds the pinned version with Go)`);
	return binary;
}

function tcpFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

function udpFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createSocket('udp4');
		socket.once('error', () => resolve(false));
		socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
	});
}

/** A free TCP port (the kernel's choice). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** A port P with P and P+1 free for TCP and P+2 free for UDP, as LiveKit's three ports. */
export async function freeLiveKitPorts(): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const base = 20000 + Math.floor(Math.random() * 40000);
		if ((await tcpFree(base)) && (await tcpFree(base + 1)) && (await tcpFree(base + 2)) && (await udpFree(base + 2))) return base;
	}
	throw new Error('no three free ports in a row for LiveKit');
}

export interface TestLiveKit {
	server: LocalLiveKit;
	/** Signalling port; RTC over TCP is the next one, over UDP the one after. */
	port: number;
	/** LIVEKIT_* for an app server that should use this LiveKit. */
	env: Record<string, string>;
	/** Signalling, as browsers reach it. */
	url: string;
	/** LiveKit's own Twirp API, with its keys. */
	rooms: RoomServiceClient;
	/** A join token signed with this LiveKit's keys: what LiveKit itself hands a connected person as a refresh. */
	token(room: string, identity: string, grant?: Partial<VideoGrant>): Promise<string>;
	/** Everything LiveKit printed. */
	output: string[];
	/** Kills the process as a crash would; the owner starts it again by itself. */
	kill(): void;
	stop(): Promise<void>;
}

export async function startLiveKit(webhookUrl: string): Promise<TestLiveKit> {
	const output: string[] = [];
	const port = await freeLiveKitPorts();
	// LIVEKIT_TEST_LOG=debug shows why media does not flow (ICE, signalling) in `output`.
	const logLevel = process.env.LIVEKIT_TEST_LOG === 'debug' ? 'debug' : 'warn';
	const server = localLiveKit({ binary: liveKitBinary(), port, logLevel, onOutput: (line) => void output.push(line) });
	if (!(await server.start(webhookUrl))) throw new Error(`LiveKit did not start on port ${port}:\n${output.join('\n')}`);
	const { url, apiKey, apiSecret } = server.media;
	return {
		server,
		port,
		env: { LIVEKIT_URL: url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret },
		url,
		rooms: new RoomServiceClient(url.replace(/^ws/, 'http'), apiKey, apiSecret),
		token(room, identity, grant = {}) {
			const token = new AccessToken(apiKey, apiSecret, { identity, ttl: 600 });
			token.addGrant({ roomJoin: true, room, canSubscribe: true, ...grant });
			return token.toJwt();
		},
		output,
		kill() {
			const pid = server.pid;
			if (pid === null) throw new Error('LiveKit is not running');
			process.kill(pid, 'SIGKILL');
		},
		stop: () => server.stop()
	};
}
