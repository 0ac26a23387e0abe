import { InMemoryQuadSource, type Quad, type QuadChange, type QuadSource, type QuadWriter } from '@quarry/sparql';
import { QuarryError } from '@quarry/transport';
import type { SparqlDataset, SparqlTransaction } from './sparql-dataset';

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

  /** Optimistic and coarse: the commit fails if anything was committed since the read. */
  begin(): SparqlTransaction {
    const read = this.current;
    const writer: QuadWriter = {
      commit: async (change) => {
        if (this.current !== read) throw new QuarryError('ABORTED', 'write conflict: the dataset changed since this update read it', false, { reason: 'WRITE_CONFLICT' });
        this.apply(change);
      },
    };
    return { source: read, writer };
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
