import type { Dataset } from '../algebra/algebra';
import type { OverlayQuadSource } from './overlay-quad-source';
import type { UpdateLoader } from './quad-change';
import type { WhereOptions } from './where-solutions';

export interface UpdateOptions extends WhereOptions {
  /** Fetches documents for LOAD; without it LOAD fails (or does nothing if SILENT). */
  loader?: UpdateLoader;
  /**
   * Protocol-level dataset (using-graph-uri / using-named-graph-uri). Per the SPARQL 1.1
   * Protocol §2.2.3 a request that also has USING, USING NAMED or WITH is an error.
   */
  dataset?: Dataset;
}

/** What each operation needs: the overlay holding the request's effects so far, and options. */
export interface UpdateContext {
  readonly overlay: OverlayQuadSource;
  readonly options: UpdateOptions;
}
