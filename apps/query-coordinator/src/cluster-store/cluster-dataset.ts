import type { ConsensusClient } from '@quarry/consensus-client';
import { TransactionCommitter, TxnDecisions, type StoreClient, type TxnCommitterOptions } from '@quarry/store-client';
import type { SparqlDataset, SparqlTransaction } from '../sparql/sparql-dataset';
import { ClusterQuadSource, PushdownClusterQuadSource } from './cluster-quad-source';
import { ClusterWriter } from './cluster-writer';
import { EstimateCache } from './estimate-cache';

export interface ClusterDatasetOptions {
  /** Evaluate stars on the storage nodes (off: pattern by pattern from the coordinator). */
  pushdown?: boolean;
  txns?: TxnCommitterOptions;
}

/** The SPARQL endpoint's view of the cluster: reads at a TSO snapshot, writes as transactions. */
export class ClusterDataset implements SparqlDataset {
  readonly writer: ClusterWriter;
  private readonly estimates = new EstimateCache();
  private readonly txns: TransactionCommitter;

  constructor(
    private readonly stores: StoreClient,
    private readonly consensus: ConsensusClient,
    private readonly opts: ClusterDatasetOptions = {},
  ) {
    this.txns = new TransactionCommitter(stores, new TxnDecisions(consensus), opts.txns);
    this.writer = new ClusterWriter(this.txns);
  }

  /**
   * A query's view. Its timestamp is asked for at once, as TiDB's async TSO does, so the
   * round trip to the oracle overlaps parsing and planning instead of following them.
   */
  source(): ClusterQuadSource {
    const source = this.snapshotSource();
    source.readTs().catch(() => undefined); // a failure reaches the first read that awaits it
    return source;
  }

  /** Reads at one snapshot; the commit is refused if another transaction wrote the same quads after it. */
  begin(): SparqlTransaction {
    // Lazy: an update that reads nothing takes no snapshot, so its changes are blind (ADR 0009).
    const source = this.snapshotSource();
    return { source, writer: new ClusterWriter(this.txns, () => source.snapshotTs()) };
  }

  private snapshotSource(): ClusterQuadSource {
    const Source = this.opts.pushdown === false ? ClusterQuadSource : PushdownClusterQuadSource;
    return new Source(this.stores, () => this.consensus.timestamp(), this.estimates);
  }
}
