import { QuarryError } from '@quarry/transport';

/** Bits of the logical counter under the physical milliseconds (as TiDB's PD). */
export const LOGICAL_BITS = 18n;
const MAX_LOGICAL = 1n << LOGICAL_BITS;
/** Timestamps are handed out only below a persisted limit this far ahead of the clock. */
const WINDOW_MS = 3000;
/**
 * The next window is persisted in the background once less than this is left of the current
 * one (after half a second of use: about two small Raft entries a second), so a Raft round never
 * sits on a request's path. Requests wait only if Raft takes longer than ~1.5 s to answer.
 */
const RENEW_AHEAD_MS = 2500;

export interface OracleStore {
  /** The persisted limit (ms), read after the leader has caught up with its log. */
  loadLimit(): Promise<number>;
  /** Persists a new limit through Raft before any timestamp above the old one is granted. */
  saveLimit(ms: number): Promise<void>;
}

/**
 * The timestamp oracle on the consensus leader. Safety across leader changes: a leader never
 * grants a timestamp at or above the persisted limit; a new leader starts above the old limit.
 * So timestamps stay strictly increasing even if clocks differ or jump back.
 */
export class TimestampOracle {
  private physical = 0;
  private logical = 0n;
  private limit = 0;
  private term = -1;
  /** Requests that must wait (new term, window used up), served in arrival order. */
  private chain: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private renewal?: Promise<void>;
  /** Counters for metrics: how often a request had to wait for Raft. */
  readonly stats = { renewals: 0, blockedRequests: 0 };

  constructor(
    private readonly store: OracleStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Grants `count` consecutive timestamps; requests are served in order. */
  next(count: number, term: number): Promise<bigint> {
    if (!Number.isInteger(count) || count < 1 || BigInt(count) > MAX_LOGICAL / 2n) throw new QuarryError('INVALID_ARGUMENT', `TSO count must be 1..${MAX_LOGICAL / 2n}`);
    // Fast path, no awaiting: the usual case of a leader inside its persisted window.
    if (this.waiting === 0 && term === this.term) {
      const first = this.tryGrant(count);
      if (first !== undefined) return Promise.resolve(first);
    }
    this.waiting++;
    const run = this.chain.then(() => this.allocateSlow(count, term)).finally(() => this.waiting--);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Loads the limit and persists a first window for a new leadership before any client asks,
   * so the first request after a leader change does not pay two Raft rounds.
   */
  prepare(term: number): Promise<void> {
    const run = this.chain.then(() => this.startTerm(term));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private advance(count: number): void {
    const now = this.now();
    if (now > this.physical) {
      this.physical = now;
      this.logical = 0n;
    }
    if (this.logical + BigInt(count) >= MAX_LOGICAL) {
      this.physical += 1;
      this.logical = 0n;
    }
  }

  /** Grants from the current window, or undefined when the window is used up. */
  private tryGrant(count: number): bigint | undefined {
    this.advance(count);
    if (this.physical + RENEW_AHEAD_MS >= this.limit) void this.renew().catch(() => undefined);
    if (this.physical >= this.limit) return undefined;
    const first = (BigInt(this.physical) << LOGICAL_BITS) | this.logical;
    this.logical += BigInt(count);
    return first;
  }

  private async startTerm(term: number): Promise<void> {
    if (term === this.term) return;
    // New leadership: start above everything any previous leader could have granted.
    const persisted = await this.store.loadLimit();
    this.physical = Math.max(this.now(), persisted + 1);
    this.logical = 0n;
    this.limit = this.physical;
    this.term = term;
    this.renewal = undefined;
    await this.renew();
  }

  private async allocateSlow(count: number, term: number): Promise<bigint> {
    await this.startTerm(term);
    for (;;) {
      const first = this.tryGrant(count);
      if (first !== undefined) return first;
      this.stats.blockedRequests++;
      await this.renew();
    }
  }

  /** Persists the next window; one renewal at a time, shared by everyone who needs it. */
  private renew(): Promise<void> {
    if (this.renewal) return this.renewal;
    const term = this.term;
    const newLimit = Math.max(this.now(), this.physical) + WINDOW_MS;
    this.stats.renewals++;
    const run: Promise<void> = this.store
      .saveLimit(newLimit)
      .then(() => {
        // A renewal of an earlier leadership must not raise the window of a later one.
        if (this.term === term) this.limit = Math.max(this.limit, newLimit);
      })
      .finally(() => {
        if (this.renewal === run) this.renewal = undefined;
      });
    this.renewal = run;
    return run;
  }
}
