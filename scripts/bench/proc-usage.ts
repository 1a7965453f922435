import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A process and all its descendants. */
export function tree(pid: number): number[] {
	let children: string[] = [];
	try {
		children = execSync(`pgrep -P ${pid} -d ' '`, { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
	} catch {
		// no children
	}
	return [pid, ...children.flatMap((child) => tree(Number(child)))];
}

/** CPU seconds and resident memory (MB) of a process and all its descendants. */
export function usage(rootPid: number): { cpu: number; rssMb: number } {
	let ticks = 0;
	let rss = 0;
	for (const pid of tree(rootPid)) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
			ticks += Number(stat[11]) + Number(stat[12]);
			rss += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
		} catch {
			// gone meanwhile
		}
	}
	return { cpu: ticks / 100, rssMb: rss / 1024 };
}

/** The whole machine's busy and total CPU time so far (seconds, all cores), from /proc/stat. */
export function machine(): { busy: number; total: number } {
	const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
	const ticks = fields.map(Number);
	const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
	const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
	return { busy: (total - idle) / 100, total: total / 100 };
}

export const percentile = (values: number[], p: number): number => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
};
