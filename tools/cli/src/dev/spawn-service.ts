import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedProcess } from './cluster-plan';
import type { RunningProcess } from './cluster-state';
import { processStartTime } from './processes';

/** Starts one service as its own OS process, detached from the CLI, logging to a file. */
export async function spawnService(p: PlannedProcess, logDir: string): Promise<RunningProcess> {
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${p.name}.log`);
  const fd = openSync(log, 'a');
  // Node flags for every service (e.g. --cpu-prof): NODE_OPTIONS refuses some of them.
  const nodeArgs = (process.env.QUARRY_DEV_NODE_ARGS ?? '').split(/\s+/).filter((a) => a.length > 0);
  const child = spawn(process.execPath, [...nodeArgs, p.main], {
    env: { ...process.env, ...p.env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${p.name}`);
  // /proc may need a moment to show the new process.
  let startTime: string | undefined;
  for (let i = 0; i < 50 && startTime === undefined; i++) {
    startTime = processStartTime(child.pid);
    if (startTime === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  return { name: p.name, role: p.role, httpPort: p.httpPort, pid: child.pid, startTime: startTime ?? '', log };
}

export class ExitedDuringStartup extends Error {
  constructor(
    readonly process: RunningProcess,
    readonly logTail: string,
  ) {
    super(`${process.name} exited during start-up (log: ${process.log}):\n${logTail}`);
  }

  /** Its port was taken between our choosing it and its binding it (another program won the race). */
  get portTaken(): boolean {
    return /EADDRINUSE|cannot listen/.test(this.logTail);
  }
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Polls /ready until 200; rejects early (with the end of its log) if the process exits. */
export async function waitReady(p: RunningProcess, deadline: number, alive: () => boolean): Promise<void> {
  const url = `http://127.0.0.1:${p.httpPort}/ready`;
  while (Date.now() < deadline) {
    if (!alive()) throw new ExitedDuringStartup(p, logTail(p.log));
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p.name} was not ready within the time limit (log: ${p.log})`);
}
