import { subjectHash } from '@quarry/rdf';
import type { QuadStore } from '@quarry/storage';

/**
 * The subject hash that cuts the region's visible quads into two halves of about equal size
 * (quads of one subject never part), or undefined when the region has fewer than two distinct
 * subject hashes. One pass over the region: run it on the leader, on demand.
 */
export async function medianSubjectHash(quads: QuadStore, regionId: number): Promise<bigint | undefined> {
  const counts = new Map<bigint, number>();
  let total = 0;
  for await (const page of quads.scanAll(BigInt(regionId), {})) {
    for (const q of page) {
      const h = subjectHash(q.subject);
      counts.set(h, (counts.get(h) ?? 0) + 1);
      total++;
    }
  }
  return weightedMedianKey(counts, total);
}

/** The smallest key with at least half the weight strictly below it; never the smallest key. */
export function weightedMedianKey(counts: Map<bigint, number>, total: number): bigint | undefined {
  if (counts.size < 2) return undefined;
  const sorted = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let below = 0;
  for (let i = 1; i < sorted.length; i++) {
    below += sorted[i - 1][1];
    if (below * 2 >= total) return sorted[i][0];
  }
  return sorted[sorted.length - 1][0];
}
