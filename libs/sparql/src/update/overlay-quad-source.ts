import type * as RDF from '@rdfjs/types';
import { termKey, type NamedNode, type Quad, type Term } from '../rdf/terms';
import type { MatchOptions, QuadPattern, QuadSource } from '../storage/quad-source';
import type { QuadChange } from './quad-change';
import { batchesOf } from '../storage/batch-iterable';

const DEFAULT_BATCH = 256;

export function quadKey(q: Quad): string {
  return `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)} ${termKey(q.graph)}`;
}

function graphKey(g: Quad['graph'] | NamedNode | RDF.DefaultGraph): string {
  return termKey(g);
}

function termMatches(pattern: Term | undefined, term: Term): boolean {
  return pattern === undefined || pattern.termType === 'Variable' || termKey(pattern) === termKey(term);
}

function quadMatches(pattern: QuadPattern, q: Quad): boolean {
  return (
    termMatches(pattern.s, q.subject) &&
    termMatches(pattern.p, q.predicate) &&
    termMatches(pattern.o, q.object) &&
    (pattern.g === undefined || graphKey(pattern.g) === graphKey(q.graph))
  );
}

/**
 * A read-your-writes view used while evaluating one update request: the base source minus
 * pending deletes plus pending inserts. Nothing touches the base; `change()` yields the net
 * effect for the caller to commit atomically.
 *
 * Base membership is never looked up (that would cost a storage round trip per quad): an
 * insert of a stored quad stays pending and shadows the base copy so it is not seen twice,
 * and a delete of an absent quad is recorded anyway. Both are harmless when committed.
 */
export class OverlayQuadSource implements QuadSource {
  /** Pending inserts per graph key, then by quad key. */
  private readonly inserted = new Map<string, Map<string, Quad>>();
  private readonly deleted = new Map<string, Quad>();

  constructor(private readonly base: QuadSource) {}

  insert(q: Quad): void {
    const key = quadKey(q);
    this.deleted.delete(key);
    const g = graphKey(q.graph);
    let graph = this.inserted.get(g);
    if (!graph) this.inserted.set(g, (graph = new Map()));
    graph.set(key, q);
  }

  delete(q: Quad): void {
    const key = quadKey(q);
    const g = graphKey(q.graph);
    const graph = this.inserted.get(g);
    if (graph?.delete(key) && graph.size === 0) this.inserted.delete(g);
    this.deleted.set(key, q);
  }

  change(): QuadChange {
    const inserts: Quad[] = [];
    for (const graph of this.inserted.values()) inserts.push(...graph.values());
    return { deletes: [...this.deleted.values()], inserts };
  }

  private isShadowed(q: Quad): boolean {
    const key = quadKey(q);
    return this.deleted.has(key) || (this.inserted.get(graphKey(q.graph))?.has(key) ?? false);
  }

  private *pendingMatches(pattern: QuadPattern): Iterable<Quad> {
    const graphs = pattern.g === undefined ? [...this.inserted.values()] : [this.inserted.get(graphKey(pattern.g))];
    for (const graph of graphs) {
      if (!graph) continue;
      for (const q of graph.values()) if (quadMatches(pattern, q)) yield q;
    }
  }

  async *match(pattern: QuadPattern, opts: MatchOptions = {}): AsyncIterable<Quad[]> {
    for await (const batch of this.base.match(pattern, opts)) {
      const visible = this.deleted.size === 0 && this.inserted.size === 0 ? batch : batch.filter((q) => !this.isShadowed(q));
      if (visible.length > 0) yield visible;
    }
    yield* batchesOf(this.pendingMatches(pattern), opts.batchSize ?? DEFAULT_BATCH, opts.signal);
  }

  async estimate(pattern: QuadPattern): Promise<number> {
    let pending = 0;
    for (const _ of this.pendingMatches(pattern)) pending++;
    return (await this.base.estimate(pattern)) + pending;
  }

  async *graphs(): AsyncIterable<NamedNode> {
    const seen = new Set<string>();
    for await (const g of this.base.graphs()) {
      seen.add(graphKey(g));
      if (await this.hasQuads(g)) yield g;
    }
    for (const [key, graph] of this.inserted) {
      const first = graph.values().next().value;
      if (seen.has(key) || !first || first.graph.termType !== 'NamedNode') continue;
      yield first.graph;
    }
  }

  /** True when the graph has at least one visible quad (graphs exist iff they hold quads). */
  async hasQuads(g: NamedNode | RDF.DefaultGraph): Promise<boolean> {
    if ((this.inserted.get(graphKey(g))?.size ?? 0) > 0) return true;
    for await (const batch of this.match({ g })) if (batch.length > 0) return true;
    return false;
  }
}
