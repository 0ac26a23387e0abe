import type { NamedNode, Quad } from '@quarry/rdf';
import type { MatchOptions, QuadPattern, QuadSource } from '@quarry/sparql';
import type { QuadStore } from '@quarry/storage';

/** One region of the local store at one read timestamp, as a SPARQL quad source. */
export class RegionQuadSource implements QuadSource {
  constructor(
    private readonly quads: QuadStore,
    private readonly regionId: bigint,
    private readonly readTs: bigint,
  ) {}

  async *match(pattern: QuadPattern, opts: MatchOptions = {}): AsyncIterable<Quad[]> {
    for await (const page of this.quads.scanAll(this.regionId, pattern, this.readTs, Math.max(opts.batchSize ?? 0, 1000))) {
      opts.signal?.throwIfAborted();
      yield page;
    }
  }

  async estimate(pattern: QuadPattern): Promise<number> {
    return this.quads.estimate(this.regionId, pattern);
  }

  async *graphs(): AsyncIterable<NamedNode> {
    const seen = new Set<string>();
    for await (const page of this.match({})) {
      for (const q of page) {
        if (q.graph.termType === 'NamedNode' && !seen.has(q.graph.value)) {
          seen.add(q.graph.value);
          yield q.graph;
        }
      }
    }
  }
}
