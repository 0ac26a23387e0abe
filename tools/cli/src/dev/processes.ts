import { readFileSync } from 'node:fs';

/**
 * A process we started, identified by pid AND kernel start time so that a recycled pid of some
 * other program is never signalled: the machine is shared with things that are not ours.
 */
export interface OwnedProcess {
  pid: number;
  startTime: string;
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name in field 2 may contain spaces, so split after ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function isOurs(p: OwnedProcess): boolean {
  const st = processStartTime(p.pid);
  if (st === undefined || st !== p.startTime) return false;
  try {
    return readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
}

export function signal(p: OwnedProcess, sig: NodeJS.Signals): boolean {
  if (!isOurs(p)) return false;
  try {
    process.kill(p.pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, wait for exit up to `graceMs`, then SIGKILL whatever is left. Returns the pids killed hard. */
export async function stopProcesses(procs: OwnedProcess[], graceMs: number): Promise<number[]> {
  for (const p of procs) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && procs.some(isOurs)) await new Promise((r) => setTimeout(r, 100));
  const hard = procs.filter(isOurs);
  for (const p of hard) signal(p, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (Date.now() < killDeadline && hard.some(isOurs)) await new Promise((r) => setTimeout(r, 50));
  return hard.map((p) => p.pid);
}
