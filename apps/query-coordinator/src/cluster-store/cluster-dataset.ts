import type { ConsensusClient } from '@quarry/consensus-client';
import { RegionWriter, type StoreClient } from '@quarry/store-client';
import type { SparqlDataset } from '../sparql/sparql-dataset';
import { ClusterQuadSource, PushdownClusterQuadSource } from './cluster-quad-source';
import { ClusterWriter } from './cluster-writer';
import { EstimateCache } from './estimate-cache';

/** The SPARQL endpoint's view of the cluster: reads at a TSO snapshot, writes at a TSO commit timestamp. */
export class ClusterDataset implements SparqlDataset {
  readonly writer: ClusterWriter;
  private readonly estimates = new EstimateCache();

  constructor(
    private readonly stores: StoreClient,
    private readonly consensus: ConsensusClient,
    /** Evaluate stars on the storage nodes (off: pattern by pattern from the coordinator). */
    private readonly pushdown = true,
  ) {
    this.writer = new ClusterWriter(new RegionWriter(stores), () => consensus.timestamp());
  }

  source(): ClusterQuadSource {
    const Source = this.pushdown ? PushdownClusterQuadSource : ClusterQuadSource;
    return new Source(this.stores, () => this.consensus.timestamp(), this.estimates);
  }
}
