import { describe, expect, it } from 'vitest';
import { regionOwns } from '@quarry/store-client';
import { initialRegionMap } from './initial-placement';

describe('initialRegionMap', () => {
  it('covers the hash space exactly once with replicas on distinct stores, evenly spread', () => {
    const map = initialRegionMap([3, 1, 2, 4], 8, 3);
    expect(map.regions).toHaveLength(8);
    for (const h of [0n, 1n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n]) expect(map.regions.filter((r) => regionOwns(r, h))).toHaveLength(1);
    for (let i = 1; i < map.regions.length; i++) expect(map.regions[i].startHash).toBe(map.regions[i - 1].endHash);
    for (const r of map.regions) expect(new Set(r.stores).size).toBe(3);
    const perStore = [1, 2, 3, 4].map((s) => map.regions.filter((r) => r.stores.includes(s)).length);
    expect(Math.max(...perStore) - Math.min(...perStore)).toBeLessThanOrEqual(1);
  });

  it('refuses to place more replicas than there are stores', () => {
    expect(() => initialRegionMap([1, 2], 3, 3)).toThrow(/need 3 storage nodes/);
  });
});
