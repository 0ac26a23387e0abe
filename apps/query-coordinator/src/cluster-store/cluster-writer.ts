import type { Quad } from '@quarry/rdf';
import type { QuadWriter } from '@quarry/sparql';
import type { TransactionCommitter } from '@quarry/store-client';

/**
 * Commits an update's net change as one transaction (TransactionCommitter): one Raft entry
 * when it falls in one region, two-phase commit across regions. `startTs` is the snapshot its
 * WHERE part read at; without one (a blind write) the transaction takes a fresh timestamp.
 */
export class ClusterWriter implements QuadWriter {
  constructor(
    private readonly txns: TransactionCommitter,
    private readonly startTs: () => Promise<bigint> | undefined = () => undefined,
  ) {}

  async commit(change: { deletes: readonly Quad[]; inserts: readonly Quad[] }): Promise<void> {
    if (!change.deletes.length && !change.inserts.length) return;
    await this.txns.commit(change, await this.startTs());
  }
}
