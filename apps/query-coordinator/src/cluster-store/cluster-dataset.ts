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

  source(): ClusterQuadSource {
    const Source = this.opts.pushdown === false ? ClusterQuadSource : PushdownClusterQuadSource;
    return new Source(this.stores, () => this.consensus.timestamp(), this.estimates);
  }

  /** Reads at one snapshot; the commit is refused if another transaction wrote the same quads after it. */
  begin(): SparqlTransaction {
    const source = this.source();
    return { source, writer: new ClusterWriter(this.txns, () => source.snapshotTs()) };
  }
}
