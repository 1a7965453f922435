import type { Plugin } from 'vite';

/**
 * `npm run dev` runs the same server core as `npm start`: the API and the sync upgrade are
 * attached to Vite's own HTTP server. Loaded lazily so `vite build` never opens anything.
 */
export function balintDevServer(): Plugin {
	return {
		name: 'balint-dev-server',
		apply: 'serve',
		async configureServer(server) {
			if (!server.httpServer) return;
			// Through Vite's own module loader, so the server code is the same source as in production.
			const { loadConfig } = (await server.ssrLoadModule('/src/lib/server/config.ts')) as typeof import('../src/lib/server/config');
			const { createLogger } = (await server.ssrLoadModule('/src/lib/server/log.ts')) as typeof import('../src/lib/server/log');
			const { createApp } = (await server.ssrLoadModule('/src/lib/server/app.ts')) as typeof import('../src/lib/server/app');
			const config = loadConfig();
			const app = createApp(config, createLogger(config.logLevel));
			server.middlewares.use((req, res, next) => {
				app.handleRequest(req, res).then((handled) => handled || next(), next);
			});
			server.httpServer.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head));
			server.httpServer.on('close', () => app.close());
		}
	};
}
