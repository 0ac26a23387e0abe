import { Inflights } from './inflights';

/**
 * How the leader talks to one follower:
 * - StateProbe: we do not know the follower's match; send one MsgApp per heartbeat interval
 *   and wait for the answer (which also finds the matching point via reject hints).
 * - StateReplicate: the follower is in sync; stream MsgApps optimistically (pipelining), bounded
 *   by the Inflights window.
 * - StateSnapshot: the follower needs a snapshot; send nothing until it is reported applied
 *   (or failed).
 */
export type ProgressStateType = 'StateProbe' | 'StateReplicate' | 'StateSnapshot';

export class Progress {
  /** Highest index known to be replicated on the follower. */
  match: number;
  /** Next index to send. */
  next: number;
  state: ProgressStateType = 'StateProbe';
  /** In StateSnapshot: index of the snapshot sent. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** In StateProbe: a probe is out, wait for an answer (or heartbeat response) before another. */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(match: number, next: number, inflights: Inflights, isLearner: boolean) {
    this.match = match;
    this.next = next;
    this.inflights = inflights;
    this.isLearner = isLearner;
  }

  clone(): Progress {
    const p = new Progress(this.match, this.next, this.inflights.clone(), this.isLearner);
    p.state = this.state;
    p.pendingSnapshot = this.pendingSnapshot;
    p.recentActive = this.recentActive;
    p.msgAppFlowPaused = this.msgAppFlowPaused;
    return p;
  }

  /** Fresh probe state for a new term (reused object: no allocation on every election). */
  resetTo(match: number, next: number): void {
    this.match = match;
    this.next = next;
    this.recentActive = false;
    this.resetState('StateProbe');
  }

  private resetState(state: ProgressStateType): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, resume from just after it (the follower has at least that).
    if (this.state === 'StateSnapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('StateProbe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('StateProbe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('StateReplicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('StateSnapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /**
   * Bookkeeping after sending a MsgApp with `entries` entries totalling `bytes`, whose
   * previous index was next-1.
   */
  sentEntries(entries: number, bytes: number): void {
    switch (this.state) {
      case 'StateReplicate':
        if (entries > 0) {
          this.next += entries;
          this.inflights.add(this.next - 1, bytes);
        }
        // Pause when the window is full.
        this.msgAppFlowPaused = this.inflights.full();
        break;
      case 'StateProbe':
        // One probe at a time; a heartbeat response unpauses.
        if (entries > 0) this.msgAppFlowPaused = true;
        break;
      default:
        throw new Error(`sending append in unhandled state ${this.state}`);
    }
  }

  /** A successful MsgAppResp for index n: returns false if it is stale (n <= match). */
  maybeUpdate(n: number): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * A rejection of the MsgApp at `rejected`; `matchHint` is the index the leader should try
   * next (from findConflictByTerm). Returns false if the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'StateReplicate') {
      // Stale unless it rejects exactly what we assumed matched.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // Probe: only the rejection of the last probe matters.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Whether sending a MsgApp to this follower is currently throttled. */
  isPaused(): boolean {
    switch (this.state) {
      case 'StateProbe':
        return this.msgAppFlowPaused;
      case 'StateReplicate':
        return this.msgAppFlowPaused;
      case 'StateSnapshot':
        return true;
    }
  }

  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    const n = this.inflights.len();
    if (n > 0) {
      s += ` inflight=${n}`;
      if (this.inflights.full()) s += '[full]';
    }
    return s;
  }
}
