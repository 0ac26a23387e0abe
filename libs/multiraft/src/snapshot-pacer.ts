/**
 * Bandwidth limit for outgoing Raft snapshots (TiKV's snap-max-write-bytes-per-sec): a new or
 * far-behind replica is sent a leader's whole state, and several such transfers at full speed
 * would crowd out the replication traffic that user writes wait for. One limiter per store
 * paces every group's snapshots through one token bucket; log appends and heartbeats are not
 * paced.
 */

/** A token bucket of bytes: refills at `bytesPerSec` up to `burstBytes`; takers may go into debt. */
export class ByteRateLimiter {
  private available: number;
  private last: number;

  constructor(
    readonly bytesPerSec: number,
    readonly burstBytes: number = Math.max(1, Math.floor(bytesPerSec / 10)),
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(bytesPerSec > 0)) throw new Error(`bytes per second must be positive, got ${bytesPerSec}`);
    this.available = burstBytes;
    this.last = now();
  }

  /**
   * Takes `bytes` and returns how many ms the caller must wait before sending them. Going
   * into debt (rather than waiting for the whole amount to accumulate) lets a piece larger
   * than the burst go too, and keeps the long-run rate exact.
   */
  take(bytes: number): number {
    const t = this.now();
    this.available = Math.min(this.burstBytes, this.available + ((t - this.last) * this.bytesPerSec) / 1000);
    this.last = t;
    this.available -= bytes;
    return this.available >= 0 ? 0 : (-this.available * 1000) / this.bytesPerSec;
  }
}

export interface SnapshotSent {
  groupId: number;
  toStore: number;
  bytes: number;
  /** From the moment the snapshot was queued until its last piece was handed to the transport. */
  ms: number;
}

/**
 * Sends snapshot messages, already cut into wire pieces, one after another through the
 * limiter. The leader is told the snapshot is done (etcd's ReportSnapshot) only when its last
 * piece has left, so it neither resumes appends to the follower early nor sends it a second
 * snapshot while the first is still queued.
 */
export class SnapshotPacer {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  readonly stats = { snapshotsSent: 0, bytesSent: 0, waitedMs: 0 };

  constructor(
    private readonly limiter: ByteRateLimiter,
    private readonly onSent?: (s: SnapshotSent) => void,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Queues one snapshot; `done(true)` after its last piece left, `done(false)` if the pacer closed (or sending threw) first. */
  send(target: { groupId: number; toStore: number }, pieces: Uint8Array[], transmit: (piece: Uint8Array) => void, done: (sent: boolean) => void): void {
    const queuedAt = this.now();
    const run = async (): Promise<boolean> => {
      let bytes = 0;
      for (const piece of pieces) {
        if (this.closed) return false;
        const wait = this.limiter.take(piece.length);
        if (wait > 0) {
          this.stats.waitedMs += wait;
          await this.sleep(wait);
          if (this.closed) return false;
        }
        transmit(piece);
        bytes += piece.length;
      }
      this.stats.snapshotsSent++;
      this.stats.bytesSent += bytes;
      this.onSent?.({ ...target, bytes, ms: this.now() - queuedAt });
      return true;
    };
    // One snapshot after another; a failure reports this one as not sent and does not stop the queue.
    // (`done` is the host's; should it throw, the queue must still go on.)
    this.chain = this.chain
      .then(run)
      .then(done, () => done(false))
      .catch(() => undefined);
  }

  /** Drops what is queued (the host is stopping); each dropped snapshot is reported as not sent. */
  close(): void {
    this.closed = true;
  }
}
