import { describe, expect, it } from 'vitest';
import { LeaseNotFoundError } from './errors';
import { LeaseKeepAliveLoop } from './lease-keep-alive';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LeaseKeepAliveLoop', () => {
  it('renews until stopped, riding out failed renewals', async () => {
    const calls: bigint[] = [];
    const loop = new LeaseKeepAliveLoop(9n, async (id) => {
      calls.push(id);
      if (calls.length === 2) throw new Error('election');
      return 30_000;
    }, { intervalMs: 10 });
    await until(() => calls.length >= 5);
    expect(loop.alive).toBe(true);
    await loop.stop();
    const n = calls.length;
    expect(calls.every((id) => id === 9n)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.length).toBe(n);
    expect(loop.alive).toBe(false);
  });

  it('reports a lost lease once and stops', async () => {
    const lost: LeaseNotFoundError[] = [];
    let calls = 0;
    const loop = new LeaseKeepAliveLoop(
      3n,
      async (id) => {
        if (++calls > 2) throw new LeaseNotFoundError(id);
        return 30;
      },
      { onLost: (e) => lost.push(e) },
    );
    await until(() => lost.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(lost).toHaveLength(1);
    expect(lost[0].leaseId).toBe(3n);
    expect(loop.lost).toBe(lost[0]);
    expect(calls).toBe(3);
    await loop.stop();
  });
});
