import type { ConsensusClient } from '@quarry/consensus-client';
import type { KeyValue } from '@quarry/proto';

export const PD_LEASE_KEY = 'pd/leader';

export interface LeaseOptions {
  instanceId: string;
  /** A lease not renewed for this long may be taken over. */
  ttlMs: number;
  now?: () => number;
}

/**
 * Active/standby placement drivers. The holder renews the lease key by compare-and-set on
 * every step; a standby takes over once it has seen the key's revision unchanged for a whole
 * TTL. Expiry is judged on the standby's own clock from when it saw a revision, never by
 * comparing two machines' clocks, and compare-and-set decides ties: two PDs are never active
 * on the same revision.
 */
export class PdLease {
  private held?: bigint;
  private observed?: { revision: bigint; since: number };
  private readonly now: () => number;

  constructor(
    private readonly consensus: Pick<ConsensusClient, 'get' | 'compareAndSet' | 'delete'>,
    private readonly opts: LeaseOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Active while this instance holds the lease it last renewed, within the TTL of renewing it. */
  get isActive(): boolean {
    return this.held !== undefined && this.observed !== undefined && this.observed.revision === this.held && this.now() - this.observed.since < this.opts.ttlMs;
  }

  /** One round: renew if holding, else take over a lapsed or missing lease. Returns isActive. */
  async step(): Promise<boolean> {
    const current: KeyValue | undefined = await this.consensus.get(PD_LEASE_KEY);
    const holder = current ? new TextDecoder().decode(current.value) : undefined;
    const revision = current?.modRevision ?? 0n;
    if (!this.observed || this.observed.revision !== revision) this.observed = { revision, since: this.now() };
    const mine = holder === this.opts.instanceId && this.held === revision;
    const lapsed = current === undefined || this.now() - this.observed.since >= this.opts.ttlMs;
    if (mine || lapsed) {
      // The lease runs from before the request: every standby sees the new revision only after
      // it commits, so its TTL ends no earlier than ours and two PDs are never active at once.
      const sentAt = this.now();
      const r = await this.consensus.compareAndSet(PD_LEASE_KEY, revision, this.opts.instanceId);
      if (r.succeeded && r.current) {
        this.held = r.current.modRevision;
        this.observed = { revision: r.current.modRevision, since: sentAt };
      } else this.held = undefined;
    } else this.held = undefined;
    return this.isActive;
  }

  /** Gives the lease up on graceful shutdown so a standby takes over at once. */
  async release(): Promise<void> {
    if (this.isActive) await this.consensus.delete(PD_LEASE_KEY).catch(() => undefined);
    this.held = undefined;
  }
}
