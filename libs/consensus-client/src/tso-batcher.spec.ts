import { describe, expect, it } from 'vitest';
import { TsoBatcher } from './tso-batcher';

describe('TsoBatcher', () => {
  it('gives concurrent callers distinct timestamps from shared requests, with at most 2 in flight when asked', async () => {
    let next = 1000n;
    let inFlight = 0;
    let maxInFlight = 0;
    const counts: number[] = [];
    const b = new TsoBatcher(async (count) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      counts.push(count);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      const first = next;
      next += BigInt(count);
      return first;
    }, 2);
    const got = await Promise.all(Array.from({ length: 300 }, (_, i) => b.request(1 + (i % 3))));
    const all = new Set(got.flatMap((t, i) => Array.from({ length: 1 + (i % 3) }, (_, k) => t + BigInt(k))));
    expect(all.size).toBe(600);
    expect(counts.length).toBeLessThan(10);
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });

  it('sends one request at a time by default, and the callers resumed by a reply share the next one', async () => {
    const counts: number[] = [];
    let inFlight = 0;
    const b = new TsoBatcher(async (count) => {
      expect(++inFlight).toBe(1);
      counts.push(count);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return 1n;
    });
    // 64 callers, each asking again as soon as it has its answer, 5 times
    await Promise.all(Array.from({ length: 64 }, async () => {
      for (let i = 0; i < 5; i++) await b.request(1);
    }));
    expect(counts).toEqual([64, 64, 64, 64, 64]);
  });

  it('a caller that asks after a reply gets a later timestamp', async () => {
    let next = 1n;
    const b = new TsoBatcher(async (count) => {
      const first = next;
      next += BigInt(count);
      return first;
    });
    let last = 0n;
    for (let i = 0; i < 50; i++) {
      const t = await b.request(1);
      expect(t).toBeGreaterThan(last);
      last = t;
    }
  });

  it('fails every caller of a failed request, and serves later ones', async () => {
    let fail = true;
    const b = new TsoBatcher(async () => {
      if (fail) throw new Error('no leader');
      return 7n;
    });
    await expect(Promise.all([b.request(1), b.request(1)])).rejects.toThrow('no leader');
    fail = false;
    await expect(b.request(1)).resolves.toBe(7n);
  });
});
