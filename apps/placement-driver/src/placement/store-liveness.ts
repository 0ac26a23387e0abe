/**
 * Which storage nodes are alive, as seen through the service registry. A store is down once it
 * has not been seen healthy for the store-down timeout (counted from this PD's start for stores
 * it never saw), so a PD that just took over does not condemn stores it has not looked at yet.
 */
export class StoreLiveness {
  private readonly lastHealthy = new Map<number, number>();
  private current: number[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly downTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  observe(healthyStores: number[], knownStores: number[]): void {
    const t = this.now();
    this.current = [...healthyStores];
    for (const s of healthyStores) this.lastHealthy.set(s, t);
    for (const s of knownStores) if (!this.lastHealthy.has(s)) this.lastHealthy.set(s, this.startedAt);
  }

  isDown(store: number): boolean {
    return this.now() - (this.lastHealthy.get(store) ?? this.startedAt) > this.downTimeoutMs;
  }

  /** Stores healthy at the last observation. */
  healthy(): number[] {
    return this.current;
  }
}
