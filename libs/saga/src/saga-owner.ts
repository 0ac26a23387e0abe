import { hostname } from 'node:os';

/** How a process names itself as a saga's owner: role, host and pid (so a local death is provable). */
export function ownerId(role: string, pid = process.pid): string {
  return `${role}@${hostname()}:${pid}`;
}

/**
 * Whether `owner` names a process on this machine that no longer exists. Lets `quarry load
 * --resume` take over at once after the previous run was killed, instead of waiting for its
 * heartbeat to go stale. False when unsure (another host, or the pid is alive).
 */
export function ownerIsDeadLocally(owner: string | null): boolean {
  if (!owner) return true;
  const m = /@(.+):(\d+)$/.exec(owner);
  if (!m || m[1] !== hostname()) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
