/** A request waiting for the log to reach it, failed when its deadline passes. */
interface Pending<T> {
  resolve(v: T): void;
  reject(e: Error): void;
  expiresAt: number;
}

/**
 * Proposals and read-index requests in flight. Deadlines are checked from the host's tick
 * loop rather than with one timer per request: at 100k proposals/s timers cost more than Raft.
 */
export class PendingRequests<T> {
  private readonly byKey = new Map<number, Pending<T>>();

  add(key: number, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => this.byKey.set(key, { resolve, reject, expiresAt: Date.now() + timeoutMs }));
  }

  has(key: number): boolean {
    return this.byKey.has(key);
  }

  resolve(key: number, value: T): boolean {
    const p = this.byKey.get(key);
    if (!p) return false;
    this.byKey.delete(key);
    p.resolve(value);
    return true;
  }

  reject(key: number, err: Error): void {
    const p = this.byKey.get(key);
    if (!p) return;
    this.byKey.delete(key);
    p.reject(err);
  }

  expire(now: number, makeError: () => Error): void {
    for (const [key, p] of this.byKey) {
      if (p.expiresAt <= now) {
        this.byKey.delete(key);
        p.reject(makeError());
      }
    }
  }

  rejectAll(err: Error): void {
    for (const p of this.byKey.values()) p.reject(err);
    this.byKey.clear();
  }

  get size(): number {
    return this.byKey.size;
  }
}
