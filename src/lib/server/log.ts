import pino from 'pino';

/**
 * The only logger. It never receives names, group names, links, tickets or message
 * content: callers log events and counts. `redact` is a second line of defence in case a
 * request object ever slips in.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
	return pino(
		{
			level,
			base: undefined,
			redact: {
				paths: ['req.headers.authorization', 'req.headers.cookie', 'req.url', 'name', 'groupName', 'token', 'ticket', '*.name', '*.token', '*.ticket'],
				censor: '[redacted]'
			}
		},
		destination
	);
}

export type Logger = ReturnType<typeof createLogger>;
