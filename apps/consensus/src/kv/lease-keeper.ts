import { leaseNotFound } from './kv-errors';
import type { KvStateMachine } from './kv-state-machine';
import { Lessor } from './lessor';

export interface LeaseKeeperDeps {
  sm: KvStateMachine;
  /** The current Raft term if this replica leads, else undefined. */
  leaderTerm(): number | undefined;
  /** Proposes the revocation of an expired lease through Raft. */
  proposeExpiry(id: bigint): Promise<unknown>;
  /** Told once per leadership, when it starts. */
  onLead?(term: number): void;
  onError?(err: unknown): void;
  now?: () => number;
}

/**
 * Runs the leader's lease clocks: follows leadership, starts new leases' clocks, and proposes
 * the revocation of expired ones (the replicated revoke deletes their keys on every replica).
 */
export class LeaseKeeper {
  readonly lessor = new Lessor();
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly deps: LeaseKeeperDeps,
    private readonly intervalMs = 50,
  ) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  tick(): void {
    const term = this.deps.leaderTerm();
    if (term === undefined) {
      if (this.lessor.leadingTerm >= 0) this.lessor.stepDown();
      return;
    }
    if (term !== this.lessor.leadingTerm) {
      this.lessor.lead(term);
      this.deps.onLead?.(term);
    }
    const now = this.now();
    this.lessor.sync(this.deps.sm.leases(), this.deps.sm.leaseGeneration, now);
    for (const id of this.lessor.expired(now)) void this.deps.proposeExpiry(id).catch((err: unknown) => this.deps.onError?.(err));
  }

  /**
   * Renews a lease on the leader; the caller has made sure (ReadIndex) that this replica leads
   * and has applied every granted lease. Returns the TTL left.
   */
  keepAlive(id: bigint): number {
    this.tick();
    const lease = this.deps.sm.lease(id);
    if (!lease || this.lessor.leadingTerm < 0) throw leaseNotFound(id);
    const left = this.lessor.renew(id, lease.ttlMs, this.now());
    if (left === undefined) throw leaseNotFound(id);
    return left;
  }
}
