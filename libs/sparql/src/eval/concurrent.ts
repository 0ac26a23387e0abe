/**
 * Runs `fn` over `items` with at most `limit` calls in flight, results in input order. Bind
 * joins use it so that the per-row lookups of one batch overlap: against a distributed store
 * each lookup is a network round trip, and doing them one by one is what makes joins slow.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How many lookups of one batch may be in flight at once. */
export const LOOKUP_CONCURRENCY = 32;
