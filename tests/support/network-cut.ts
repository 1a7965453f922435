import { readdirSync, readFileSync } from 'node:fs';

/**
 * One browser's network cut, with no privileges and nothing outside the machine: every socket
 * a Chromium browser has, WebRTC's UDP and TCP too, lives in its network service process, so
 * stopping that process (SIGSTOP) is, for everyone it talks to, the network gone: not a packet
 * out, none read in. SIGCONT brings it back. The rest of the browser runs on meanwhile, as on a
 * laptop whose Wi-Fi dropped.
 */
// Chromium rewrites its processes' titles: the arguments are one string, not NUL-separated.
const NETWORK_SERVICE = '--utility-sub-type=network.mojom.NetworkService';

/** The network service processes of every Chromium on this machine now. */
export function networkServices(): Set<number> {
	const pids = new Set<number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(NETWORK_SERVICE)) pids.add(Number(entry));
		} catch {
			// Gone meanwhile.
		}
	}
	return pids;
}

/** The one network service that appeared since `before` (a browser launched since). */
export function newNetworkService(before: Set<number>): number {
	const fresh = [...networkServices()].filter((pid) => !before.has(pid));
	if (fresh.length !== 1) throw new Error(`expected one new network service process, found ${fresh.length}`);
	return fresh[0]!;
}

export interface NetworkCut {
	restore(): void;
}

export function cutNetwork(pid: number): NetworkCut {
	process.kill(pid, 'SIGSTOP');
	let restored = false;
	return {
		restore() {
			if (restored) return;
			restored = true;
			process.kill(pid, 'SIGCONT');
		}
	};
}
