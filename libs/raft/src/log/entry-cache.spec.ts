import { describe, expect, it } from 'vitest';
import { EntryCache, type CacheSlot } from './entry-cache';
import { RaftLogEngine } from './raft-log-engine';
import { withTempDir } from './testing/temp-dir';
import { entry, randomBytes, rng } from './testing/workload';

function slot(n: number): CacheSlot {
  return { data: new Uint8Array(n), cached: false };
}

describe('entry cache', () => {
  it('evicts oldest-admitted payloads to stay within its byte budget', () => {
    const cache = new EntryCache(1000);
    const slots = Array.from({ length: 30 }, () => slot(100));
    for (const s of slots) {
      cache.admit(s);
      expect(cache.bytes).toBeLessThanOrEqual(1000);
    }
    expect(slots.slice(0, 20).every((s) => s.data === undefined)).toBe(true);
    expect(slots.slice(20).every((s) => s.data !== undefined)).toBe(true);
    // Released slots free their bytes at once; evicted slots can be admitted again.
    cache.release(slots[29]);
    expect(cache.bytes).toBe(900);
    slots[0].data = new Uint8Array(100);
    cache.admit(slots[0]);
    expect(cache.bytes).toBe(1000);
  });

  it('serves entries evicted from memory from the segment files, across many groups', async () => {
    await withTempDir(async (dir) => {
      const engine = await RaftLogEngine.open(dir, { cacheBytes: 20_000, segmentBytes: 64 << 10 });
      const rand = rng(3);
      const written = new Map<string, Uint8Array>();
      for (let round = 1; round <= 50; round++) {
        const batch = engine.newBatch();
        for (let g = 1; g <= 30; g++) {
          const data = randomBytes(rand, 50 + Math.floor(rand() * 100));
          written.set(`${g}/${round}`, data);
          batch.append(g, [entry(round, 1, data)]);
        }
        await engine.write(batch);
        expect(engine.stats().cacheBytes).toBeLessThanOrEqual(20_000);
      }
      expect(engine.stats().segments.length).toBeGreaterThan(1);
      for (let g = 1; g <= 30; g++) {
        const ents = engine.group(g).entries(1, 51, Number.MAX_SAFE_INTEGER);
        expect(ents.map((e) => Buffer.from(e.data).toString('hex'))).toEqual(
          Array.from({ length: 50 }, (_, k) => Buffer.from(written.get(`${g}/${k + 1}`)!).toString('hex')),
        );
        expect(engine.stats().cacheBytes).toBeLessThanOrEqual(20_000);
      }
      await engine.close();
    });
  });
});
