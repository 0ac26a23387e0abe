import type { Binding } from '../eval/binding';
import { termKey, type NamedNode, type Quad, type Term } from '../rdf/terms';
import { countStarGroupsLocally, evaluateStarLocally } from '../storage/local-star';
import { InMemoryQuadSource } from '../storage/in-memory-quad-source';
import type { MatchOptions, QuadPattern, QuadSource } from '../storage/quad-source';
import type { StarCountSource, StarGroupCount, StarQuery } from '../storage/star-source';

/**
 * A store split into partitions by subject, as the cluster splits into regions, with stars
 * evaluated per partition: the in-process model of the distributed star path, so the W3C
 * suites can check it.
 */
export class PartitionedQuadSource implements QuadSource, StarCountSource {
  readonly partitions: InMemoryQuadSource[];
  /** matchStar calls per partition, for tests that check routing. */
  readonly starCalls: number[];
  /** countStarGroups calls, for tests that check GROUP BY ... COUNT was pushed down. */
  countCalls = 0;

  constructor(quads: Iterable<Quad>, count = 3) {
    this.partitions = Array.from({ length: count }, () => new InMemoryQuadSource());
    this.starCalls = new Array<number>(count).fill(0);
    for (const q of quads) this.partitions[this.partitionOf(q.subject)].add(q);
  }

  partitionOf(subject: Term): number {
    let h = 0;
    for (const c of termKey(subject)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return h % this.partitions.length;
  }

  private targets(s: Term | undefined): InMemoryQuadSource[] {
    return s && s.termType !== 'Variable' ? [this.partitions[this.partitionOf(s)]] : this.partitions;
  }

  async *match(pattern: QuadPattern, opts?: MatchOptions): AsyncIterable<Quad[]> {
    for (const p of this.targets(pattern.s)) yield* p.match(pattern, opts);
  }

  async estimate(pattern: QuadPattern): Promise<number> {
    const counts = await Promise.all(this.targets(pattern.s).map((p) => p.estimate(pattern)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async *graphs(): AsyncIterable<NamedNode> {
    const seen = new Set<string>();
    for (const p of this.partitions) {
      for await (const g of p.graphs()) {
        if (!seen.has(g.value)) {
          seen.add(g.value);
          yield g;
        }
      }
    }
  }

  async *matchStar(star: StarQuery, seeds: readonly Binding[], opts?: MatchOptions): AsyncIterable<Binding[]> {
    const subject = star.patterns[0].s;
    const bySeed = new Map<number, Binding[]>();
    const everywhere: Binding[] = [];
    for (const seed of seeds) {
      const s = subject.termType === 'Variable' ? seed.get(subject.value) : subject;
      if (s === undefined) everywhere.push(seed);
      else if (s.termType !== 'Literal') {
        const i = this.partitionOf(s);
        bySeed.set(i, [...(bySeed.get(i) ?? []), seed]);
      }
    }
    for (let i = 0; i < this.partitions.length; i++) {
      const mine = [...(bySeed.get(i) ?? []), ...everywhere];
      if (mine.length === 0) continue;
      this.starCalls[i]++;
      yield* evaluateStarLocally(this.partitions[i], star, mine, opts);
    }
  }

  /** Partial counts per partition, as regions answer them (a group may appear more than once). */
  async countStarGroups(star: StarQuery, groupBy: string[], opts?: MatchOptions): Promise<StarGroupCount[]> {
    this.countCalls++;
    const subject = star.patterns[0].s;
    const parts = await Promise.all(this.targets(subject).map((p) => countStarGroupsLocally(p, star, groupBy, opts)));
    return parts.flat();
  }
}
