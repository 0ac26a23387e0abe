import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export { freePort } from '../../tools/cli/src/dev/free-port';

export const repoRoot = resolve(__dirname, '..', '..');
export const cliPath = join(repoRoot, 'tools', 'cli', 'bin', 'quarry.js');
export const appMain = (app: string): string => join(repoRoot, 'dist', 'apps', app, 'src', 'main.js');
export const natsUrl = process.env.QUARRY_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A cluster name no other test or developer uses, so NATS state never collides. */
export const uniqueCluster = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `quarry-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the quarry CLI with a hard timeout so a hang fails the test instead of stalling CI. */
export function runCli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A service process started by a test; stopped by its own pid, never by name. */
export class ServiceProcess {
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((r) => child.on('exit', (code) => r(code)));
  }

  static start(app: string, env: Record<string, string>): ServiceProcess {
    const child = spawn(process.execPath, [appMain(app)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(app, child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for /ready (or /health: alive, even if its dependencies are missing). */
  async waitReady(port: number, timeoutMs = 30_000, path: '/ready' | '/health' = '/ready'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      const ok = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Polls `check` until it returns a value or the deadline passes (then throws the last error). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
