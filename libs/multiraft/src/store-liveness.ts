/**
 * Store-to-store liveness for quiesced groups, counted in host ticks (the unit of Raft's own
 * timeouts, so a starved timer slows both alike).
 *
 * A quiesced group sends no heartbeats of its own: its replicas rely on this instead. Every
 * batch received from a store proves that store's host is running; when nothing else went to
 * a watched store for a heartbeat interval, the host sends it an empty batch (one message per
 * store pair, however many groups they share). A store not heard from for an election timeout
 * is reported once as lost, and the host wakes every quiesced group that depends on it.
 */
export class StoreLiveness {
  private now = 0;
  private readonly lastHeard = new Map<number, number>();
  private readonly lastSent = new Map<number, number>();
  /** Stores we exchange store heartbeats with: peers of quiesced groups, on either side. */
  private readonly watched = new Set<number>();
  /** Watched stores currently considered lost (reported once per loss). */
  private readonly lost = new Set<number>();

  constructor(
    private readonly heartbeatTicks: number,
    private readonly timeoutTicks: number,
  ) {}

  get ticks(): number {
    return this.now;
  }

  watch(store: number): void {
    this.watched.add(store);
  }

  heard(store: number): void {
    this.lastHeard.set(store, this.now);
    this.lost.delete(store);
  }

  sent(store: number): void {
    this.lastSent.set(store, this.now);
  }

  /** Heard from within the timeout. A store never heard from is not live. */
  isLive(store: number): boolean {
    const t = this.lastHeard.get(store);
    return t !== undefined && this.now - t <= this.timeoutTicks;
  }

  /** Ticks since `store` was last heard from (Infinity if never). */
  silentFor(store: number): number {
    const t = this.lastHeard.get(store);
    return t === undefined ? Infinity : this.now - t;
  }

  /**
   * Advances one tick. Returns the watched stores that just became lost and the watched
   * stores that are due a store heartbeat (nothing sent to them for a heartbeat interval).
   */
  tick(): { lost: number[]; due: number[] } {
    this.now++;
    const lost: number[] = [];
    const due: number[] = [];
    for (const s of this.watched) {
      if (!this.lost.has(s) && this.silentFor(s) > this.timeoutTicks) {
        this.lost.add(s);
        lost.push(s);
      }
      if (this.now - (this.lastSent.get(s) ?? -Infinity) >= this.heartbeatTicks) due.push(s);
    }
    return { lost, due };
  }
}
