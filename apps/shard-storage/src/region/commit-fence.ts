import { QuarryError } from '@quarry/transport';

/**
 * Keeps one-phase writes from landing under a read that already happened (ADR 0009).
 *
 * A one-phase write takes its commit timestamp from the oracle before it is proposed, so a read
 * at a later timestamp could run between the two and miss it; a second read at the same
 * timestamp would then see it, and the snapshot would not be one. As TiKV's concurrency manager
 * does, the region's leader remembers the highest timestamp it has served a read at and refuses
 * writes at or below it (the writer takes a new timestamp and tries again), and a read waits for
 * the writes in flight at or below its timestamp before it looks.
 *
 * In memory on the leader only. A new leader does not know what its predecessor served, so
 * before its first write it raises the floor to a fresh oracle timestamp: every read served in
 * an earlier term had a timestamp below it.
 */
export class CommitFence {
  private maxReadTs = 0n;
  private term = -1;
  private readonly inflight = new Set<{ ts: bigint; done: Promise<void> }>();

  constructor(private readonly freshTimestamp: () => Promise<bigint>) {}

  /** Called before a read at `readTs` looks at the region (the leader's term passed in). */
  async beforeRead(readTs: bigint): Promise<void> {
    if (readTs > this.maxReadTs) this.maxReadTs = readTs;
    const waits = [...this.inflight].filter((w) => w.ts <= readTs).map((w) => w.done);
    if (waits.length) await Promise.all(waits);
  }

  /**
   * Admits a one-phase write at `commitTs` while `run` proposes it; refuses it when a read at or
   * above that timestamp may already have been served.
   */
  async admit<T>(term: number, commitTs: bigint, run: () => Promise<T>): Promise<T> {
    if (term !== this.term) {
      const floor = await this.freshTimestamp();
      if (floor > this.maxReadTs) this.maxReadTs = floor;
      this.term = term;
    }
    if (commitTs <= this.maxReadTs) {
      throw new QuarryError('FAILED_PRECONDITION', `commit timestamp ${commitTs} is not above a timestamp already read at (${this.maxReadTs}); take a new one`, false, { reason: 'COMMIT_TS_TOO_OLD' });
    }
    let release!: () => void;
    const entry = { ts: commitTs, done: new Promise<void>((r) => (release = r)) };
    this.inflight.add(entry);
    try {
      return await run();
    } finally {
      this.inflight.delete(entry);
      release();
    }
  }
}
