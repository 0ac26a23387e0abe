/**
 * Cardinality estimates shared by all requests for a few seconds. Join ordering needs their
 * order of magnitude, not their exact value, and asking every region for every pattern of every
 * query costs more round trips than the query itself when it is selective.
 */
export class EstimateCache {
  private readonly entries = new Map<string, { value: number; at: number }>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, compute: () => Promise<number>): Promise<number> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = await compute();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, at: this.now() });
    return value;
  }
}
