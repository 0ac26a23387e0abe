/** How long the leader waits before proposing the revocation of an expired lease again. */
const REVOKE_RETRY_MS = 1000;

/**
 * The leader's lease clocks (etcd's lessor). Expiry times are local to the leader and never
 * replicated: the replicated state only knows each lease's TTL. A node that becomes leader
 * starts every lease with a full TTL, so a leader change can only extend a lease, never end it
 * early. Pure: the caller passes the time and proposes the revocations this returns.
 */
export class Lessor {
  private readonly expiry = new Map<bigint, number>();
  /** Expired leases whose revocation was proposed, with when to propose again if it got lost. */
  private readonly revoking = new Map<bigint, number>();
  /** The leader term these clocks belong to; -1 when not leading. */
  private term = -1;
  private generation = -1;

  get leadingTerm(): number {
    return this.term;
  }

  /** Starts (or restarts, on a new term) the clocks of a leader. */
  lead(term: number): void {
    if (term === this.term) return;
    this.stepDown();
    this.term = term;
  }

  /** Not the leader (any more): the clocks are meaningless and dropped. */
  stepDown(): void {
    this.expiry.clear();
    this.revoking.clear();
    this.term = -1;
    this.generation = -1;
  }

  /**
   * Aligns the clocks with the replicated leases: a lease not seen before (just granted, or
   * this node just became leader) gets its full TTL from now; a revoked one is forgotten.
   * `generation` changes whenever the lease set does, so unchanged sets cost nothing.
   */
  sync(leases: Iterable<{ id: bigint; ttlMs: number }>, generation: number, now: number): void {
    if (this.term < 0 || generation === this.generation) return;
    this.generation = generation;
    const live = new Set<bigint>();
    for (const l of leases) {
      live.add(l.id);
      if (!this.expiry.has(l.id)) this.expiry.set(l.id, now + l.ttlMs);
    }
    for (const id of this.expiry.keys()) {
      if (!live.has(id)) {
        this.expiry.delete(id);
        this.revoking.delete(id);
      }
    }
  }

  /**
   * Renews a lease for a full TTL; returns the TTL left, or undefined when the lease has
   * already run out (its revocation is under way: renewing it now would be a lie).
   */
  renew(id: bigint, ttlMs: number, now: number): number | undefined {
    const at = this.expiry.get(id);
    if (at !== undefined && at <= now) return undefined;
    this.expiry.set(id, now + ttlMs);
    return ttlMs;
  }

  remaining(id: bigint, now: number): number | undefined {
    const at = this.expiry.get(id);
    return at === undefined ? undefined : Math.max(0, at - now);
  }

  /** Leases that ran out and need a revocation proposed now. */
  expired(now: number): bigint[] {
    const out: bigint[] = [];
    for (const [id, at] of this.expiry) {
      if (at > now) continue;
      const retryAt = this.revoking.get(id);
      if (retryAt !== undefined && retryAt > now) continue;
      this.revoking.set(id, now + REVOKE_RETRY_MS);
      out.push(id);
    }
    return out;
  }
}
