import type { Quad, Term } from '@quarry/rdf';
import type { RegionId } from './keys';

/** Bound positions of a triple/quad pattern. g: undefined = any graph, DefaultGraph = default only. */
export interface QuadPattern {
  s?: Term;
  p?: Term;
  o?: Term;
  g?: Term;
}

export interface ScanRequest {
  regionId: RegionId;
  pattern: QuadPattern;
  /** Snapshot timestamp: the scan sees exactly the batches committed at or before it. */
  readTs: bigint | number;
  /** Maximum quads in this page (default 1000). */
  limit?: number;
  /** Resume point returned by the previous page. */
  cursor?: string;
}

export interface ScanPage {
  quads: Quad[];
  /** Present when more quads may follow; pass it back to continue. */
  cursor?: string;
}

export interface RegionStats {
  regionId: RegionId;
  /** Visible quads at the latest timestamp. */
  quadCount: number;
  /** Index entries of every version, tombstones included. */
  entryCount: number;
  /** Bytes of keys and values in the region (index entries + term dictionary), before LMDB overhead. */
  approximateBytes: number;
  /** Visible quads per predicate IRI. */
  predicates: { predicate: string; count: number }[];
}
