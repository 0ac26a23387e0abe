import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root, from dist/bench/<name> (compiled) or bench/<name> (sources). */
export const REPO_ROOT = resolve(__dirname, __dirname.includes(`${join('dist', 'bench')}`) ? '../../..' : '../..');
const CLI = join(REPO_ROOT, 'tools', 'cli', 'bin', 'quarry.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `quarry ARGS` with a hard timeout (SIGKILL), collecting its output. */
export function runQuarry(args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
