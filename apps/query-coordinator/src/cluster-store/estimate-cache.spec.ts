import { describe, expect, it } from 'vitest';
import { EstimateCache } from './estimate-cache';

describe('EstimateCache', () => {
  it('answers from cache within the TTL and asks again after it', async () => {
    let clock = 0;
    let calls = 0;
    const cache = new EstimateCache(1000, 10, () => clock);
    const compute = async (): Promise<number> => ++calls * 10;
    expect(await cache.get('a', compute)).toBe(10);
    clock = 999;
    expect(await cache.get('a', compute)).toBe(10);
    clock = 1000;
    expect(await cache.get('a', compute)).toBe(20);
    expect(calls).toBe(2);
  });

  it('stays bounded', async () => {
    const cache = new EstimateCache(1000, 3, () => 0);
    for (let i = 0; i < 10; i++) await cache.get(String(i), async () => i);
    let recomputed = 0;
    await cache.get('0', async () => ++recomputed);
    expect(recomputed).toBe(1);
  });
});
