import type { Quad } from '@quarry/rdf';

export interface ChunkChange {
  inserts: readonly Quad[];
  deletes: readonly Quad[];
}

/**
 * Commits one saga chunk (or one compensation chunk) atomically: the seam between sagas and
 * the transaction layer. Bound to TransactionCommitter (libs/store-client), so a chunk spanning
 * regions commits as one transaction (two-phase commit). Re-committing a chunk that already
 * landed must leave the same data (inserting a present quad and deleting an absent one change
 * nothing visible).
 */
export interface ChunkCommitter {
  commit(change: ChunkChange): Promise<{ commitTs: bigint }>;
}

/**
 * Lock TTL of a chunk's transaction: a 100k-quad chunk's prewrites take seconds on a busy
 * cluster, and a reader must not roll it back as abandoned meanwhile.
 */
export const CHUNK_LOCK_TTL_MS = 30_000;

/**
 * How long a chunk waits for locks in its way: longer than a chunk lock's TTL, so a resumed
 * saga gets past the locks its dead predecessor left on the same quads.
 */
export const CHUNK_LOCK_WAIT_MS = CHUNK_LOCK_TTL_MS + 15_000;
