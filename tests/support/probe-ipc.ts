import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface Probe {
	rss: number;
	heapUsed: number;
	/** Of the heap: V8's compiled code and bytecode with their metadata. */
	codeBytes: number;
	documents: number;
	cpuMicros: number;
	/** Active libuv resources (servers, sockets, timers) by kind. */
	resources: string[];
}

/** Answers the bench's questions about this process: memory after gc, documents, CPU, handles. */
export function serveIpc({ port, documents }: { port: number; documents: () => number }): void {
	process.send?.({ type: 'ready', port });
	process.on('message', async (message: { type: string }) => {
		if (message.type !== 'probe') return;
		for (let i = 0; i < 4; i++) {
			gc();
			await new Promise((r) => setTimeout(r, 20));
		}
		const memory = process.memoryUsage();
		const cpu = process.cpuUsage();
		const resources = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
		const code = v8.getHeapCodeStatistics();
		const probe: Probe = {
			rss: memory.rss,
			heapUsed: memory.heapUsed,
			codeBytes: code.code_and_metadata_size + code.bytecode_and_metadata_size,
			documents: documents(),
			cpuMicros: cpu.user + cpu.system,
			resources
		};
		process.send?.({ type: 'probe', probe });
	});
	process.on('disconnect', () => process.exit(0));
}
