import { createInterface } from 'node:readline';
import type { KillNotice } from './workload';

/**
 * Line protocol between the orchestrator and a child process: the child writes one JSON object
 * per stdout line prefixed with "@@ " (anything else is log noise); the parent answers on stdin.
 * A child exits when its stdin closes, so it never outlives a dead orchestrator.
 */
export const MARK = '@@ ';

export function emit(obj: unknown): void {
  process.stdout.write(MARK + JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) + '\n');
}

const waiters: ((line: unknown) => void)[] = [];
const queued: unknown[] = [];

export function listenParent(): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const msg = JSON.parse(line) as unknown;
    const w = waiters.shift();
    if (w) w(msg);
    else queued.push(msg);
  });
  rl.on('close', () => process.exit(3));
}

export function nextParentMessage<T>(): Promise<T> {
  if (queued.length) return Promise.resolve(queued.shift() as T);
  return new Promise((r) => waiters.push(r as (m: unknown) => void));
}

export async function askKill(leader: number): Promise<KillNotice> {
  emit({ event: 'kill-leader', leader });
  return nextParentMessage<KillNotice>();
}
