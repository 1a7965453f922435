#!/usr/bin/env node
// Runs every check a reviewer would: the LiveKit build, the app's build, types (svelte-check), import cycles (dpdm),
// unit and server tests (Vitest), browser tests (Playwright on Debian's Chromium). Ends with one summary line:
// "N passed, M failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const reports = mkdtempSync(join(tmpdir(), 'balint-test-'));
let passed = 0;
let failed = 0;
const problems = [];

function run(label, command, args, env = {}) {
	console.log(`\n▶ ${label}`);
	const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	return result.status === 0;
}

function step(label, command, args) {
	if (run(label, command, args)) passed += 1;
	else {
		failed += 1;
		problems.push(label);
	}
}

function countJson(label, file, read) {
	if (!existsSync(file)) {
		failed += 1;
		problems.push(`${label} (no report)`);
		return;
	}
	const { ok, bad } = read(JSON.parse(readFileSync(file, 'utf8')));
	passed += ok;
	failed += bad;
	if (bad) problems.push(`${label}: ${bad} failed`);
}

// The real LiveKit server the media tests run: built once from its Go module, then reused.
step('media server (npm run livekit)', 'npm', ['run', '--silent', 'livekit']);
step('build', 'npm', ['run', '--silent', 'build']);
const built = !problems.includes('build');
step('types (svelte-check)', 'npm', ['run', '--silent', 'check']);
step('import cycles (npm run cycles)', 'npm', ['run', '--silent', 'cycles']);

const vitestReport = join(reports, 'vitest.json');
const vitestOk = run('unit and server tests (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
// A skipped or todo test is not a pass: none is expected, so each one counts as a failure.
countJson('vitest', vitestReport, (r) => {
	const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
	if (skipped) problems.push(`vitest: ${skipped} skipped`);
	return { ok: r.numPassedTests, bad: r.numFailedTests + skipped + (vitestOk || r.numFailedTests ? 0 : 1) };
});

if (!built) {
	// The browser tests run against the build: with a failed build they would test old code.
	failed += 1;
	problems.push('browser tests: not run, the build failed');
} else if (!existsSync(chromium)) {
	failed += 1;
	problems.push(`browser tests: no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
} else {
	const pwReport = join(reports, 'playwright.json');
	const pwOk = run('browser tests (playwright)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwReport });
	countJson('playwright', pwReport, (r) => {
		const s = r.stats ?? {};
		const skipped = s.skipped ?? 0;
		if (skipped) problems.push(`playwright: ${skipped} skipped`);
		const bad = (s.unexpected ?? 0) + (s.flaky ?? 0) + skipped;
		return { ok: s.expected ?? 0, bad: bad + (pwOk || bad ? 0 : 1) };
	});
}
rmSync(reports, { recursive: true, force: true });

console.log('');
if (problems.length) console.log(`Failed: ${problems.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
