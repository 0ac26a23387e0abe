import { InMemoryQuadSource, type Quad, type QuadChange, type QuadSource, type QuadWriter } from '@quarry/sparql';
import type { SparqlDataset } from './sparql-dataset';

/**
 * A SparqlDataset over one InMemoryQuadSource with copy-on-write commits: a commit builds a
 * new store and swaps it in, so a running query keeps reading the snapshot it started
 * with. O(store size) per commit; fine for tests and small local datasets.
 */
export class InMemorySparqlDataset implements SparqlDataset {
  private current: InMemoryQuadSource;
  readonly writer: QuadWriter = { commit: async (change) => this.apply(change) };

  constructor(quads: Iterable<Quad> = []) {
    this.current = new InMemoryQuadSource(quads);
  }

  source(): QuadSource {
    return this.current;
  }

  /** Every stored quad (tests). */
  quads(): Quad[] {
    return [...this.current.matchSync({})];
  }

  private apply(change: QuadChange): void {
    const next = new InMemoryQuadSource(this.current.matchSync({}));
    for (const q of change.deletes) next.delete(q);
    for (const q of change.inserts) next.add(q);
    this.current = next;
  }
}
