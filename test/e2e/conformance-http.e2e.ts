import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/processes';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface ConformanceJson extends Counts {
  total: number;
  byManifest: Record<string, Counts>;
}

interface Baseline {
  passed: number;
}

const HARD_TIMEOUT_MS = 8 * 60_000;
/** Time left after the kill signal for the harness to stop its cluster. */
const STOP_GRACE_MS = 60_000;

interface HarnessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run conformance -- --json` without npm in between, so signals reach the harness itself. */
function runConformance(): Promise<HarnessRun> {
  const viteNode = join(repoRoot, 'node_modules', 'vite-node', 'vite-node.mjs');
  const args = [viteNode, '--config', 'vitest.config.mts', 'test/conformance/http/main.ts', '--', '--json'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // SIGTERM first: the harness stops its own cluster on it; SIGKILL if it does not exit.
    const term = setTimeout(() => child.kill('SIGTERM'), HARD_TIMEOUT_MS - STOP_GRACE_MS - 10_000);
    const kill = setTimeout(() => child.kill('SIGKILL'), HARD_TIMEOUT_MS - 10_000);
    child.on('close', (code) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('W3C SPARQL conformance over HTTP against a dev cluster', () => {
  it(
    'passes at least as many tests as test/conformance/http/baseline.json records',
    async () => {
      const run = await runConformance();
      const lastLine = run.stdout.trimEnd().split('\n').at(-1) ?? '';
      expect(lastLine.startsWith('{'), `no JSON summary (exit ${run.code}):\n${run.stderr.slice(-4000)}`).toBe(true);
      const summary = JSON.parse(lastLine) as ConformanceJson;
      const baseline = JSON.parse(readFileSync(join(repoRoot, 'test/conformance/http/baseline.json'), 'utf8')) as Baseline;
      process.stdout.write(`conformance over HTTP: ${summary.passed}/${summary.total} passed (baseline ${baseline.passed})\n`);
      expect(summary.passed + summary.failed + summary.skipped).toBe(summary.total);
      expect(
        summary.passed,
        run.stderr
          .split('\n')
          .filter((l) => l.startsWith('FAIL'))
          .join('\n'),
      ).toBeGreaterThanOrEqual(baseline.passed);
      expect(run.code).toBe(0);
    },
    HARD_TIMEOUT_MS,
  );
});
