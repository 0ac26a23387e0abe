import type * as RDF from '@rdfjs/types';
import { factory, termKey, type NamedNode, type Quad, type Term } from '../rdf/terms';
import type { MatchOptions, QuadPattern, QuadSource } from './quad-source';
import { batchesOf } from './batch-iterable';

type Index = Map<string, Map<string, Map<string, Quad>>>;

const DEFAULT_BATCH = 256;
const DEFAULT_GRAPH_KEY = termKey(factory.defaultGraph());

/**
 * Per-graph SPO, POS and OSP indexes keyed by termKey. Enough for every pattern shape
 * to be answered by walking one index prefix; good for tests and small local datasets.
 */
class GraphIndex {
  readonly spo: Index = new Map();
  readonly pos: Index = new Map();
  readonly osp: Index = new Map();
  size = 0;

  add(q: Quad): boolean {
    const s = termKey(q.subject);
    const p = termKey(q.predicate);
    const o = termKey(q.object);
    if (this.spo.get(s)?.get(p)?.has(o)) return false;
    insert(this.spo, s, p, o, q);
    insert(this.pos, p, o, s, q);
    insert(this.osp, o, s, p, q);
    this.size++;
    return true;
  }

  delete(q: Quad): boolean {
    const s = termKey(q.subject);
    const p = termKey(q.predicate);
    const o = termKey(q.object);
    if (!this.spo.get(s)?.get(p)?.has(o)) return false;
    remove(this.spo, s, p, o);
    remove(this.pos, p, o, s);
    remove(this.osp, o, s, p);
    this.size--;
    return true;
  }

  /** Picks the index whose key order puts the bound positions first. */
  *match(s?: string, p?: string, o?: string): Iterable<Quad> {
    if (s !== undefined) {
      if (o !== undefined && p === undefined) yield* walk(this.osp, o, s, undefined);
      else yield* walk(this.spo, s, p, o);
    } else if (p !== undefined) yield* walk(this.pos, p, o, undefined);
    else if (o !== undefined) yield* walk(this.osp, o, undefined, undefined);
    else yield* walk(this.spo, undefined, undefined, undefined);
  }

  count(s?: string, p?: string, o?: string): number {
    if (s === undefined && p === undefined && o === undefined) return this.size;
    if (s !== undefined && p === undefined && o === undefined) return sizeOf(this.spo.get(s));
    if (p !== undefined && s === undefined && o === undefined) return sizeOf(this.pos.get(p));
    if (o !== undefined && s === undefined && p === undefined) return sizeOf(this.osp.get(o));
    let n = 0;
    for (const _ of this.match(s, p, o)) n++;
    return n;
  }
}

function sizeOf(m: Map<string, Map<string, Quad>> | undefined): number {
  let n = 0;
  if (m) for (const inner of m.values()) n += inner.size;
  return n;
}

function insert(index: Index, a: string, b: string, c: string, q: Quad): void {
  let level1 = index.get(a);
  if (!level1) index.set(a, (level1 = new Map()));
  let level2 = level1.get(b);
  if (!level2) level1.set(b, (level2 = new Map()));
  level2.set(c, q);
}

function remove(index: Index, a: string, b: string, c: string): void {
  const level1 = index.get(a);
  const level2 = level1?.get(b);
  if (!level1 || !level2) return;
  level2.delete(c);
  if (level2.size === 0) level1.delete(b);
  if (level1.size === 0) index.delete(a);
}

function* walk(index: Index, a?: string, b?: string, c?: string): Iterable<Quad> {
  const firsts = a === undefined ? index.values() : [index.get(a)];
  for (const level1 of firsts) {
    if (!level1) continue;
    const seconds = b === undefined ? level1.values() : [level1.get(b)];
    for (const level2 of seconds) {
      if (!level2) continue;
      if (c === undefined) yield* level2.values();
      else {
        const q = level2.get(c);
        if (q) yield q;
      }
    }
  }
}

function boundKey(term: Term | undefined): string | undefined {
  return term === undefined || term.termType === 'Variable' ? undefined : termKey(term);
}

/** Indexed in-memory quad store implementing QuadSource. */
export class InMemoryQuadSource implements QuadSource {
  private readonly graphIndexes = new Map<string, { name: NamedNode | RDF.DefaultGraph; index: GraphIndex }>();

  constructor(quads: Iterable<Quad> = []) {
    for (const q of quads) this.add(q);
  }

  add(q: Quad): boolean {
    const key = termKey(q.graph);
    let entry = this.graphIndexes.get(key);
    if (!entry) {
      const name = q.graph.termType === 'NamedNode' ? q.graph : factory.defaultGraph();
      entry = { name, index: new GraphIndex() };
      this.graphIndexes.set(key, entry);
    }
    return entry.index.add(q);
  }

  addAll(quads: Iterable<Quad>): void {
    for (const q of quads) this.add(q);
  }

  delete(q: Quad): boolean {
    return this.graphIndexes.get(termKey(q.graph))?.index.delete(q) ?? false;
  }

  get size(): number {
    let n = 0;
    for (const { index } of this.graphIndexes.values()) n += index.size;
    return n;
  }

  private selectGraphs(g: QuadPattern['g']): GraphIndex[] {
    if (g === undefined) return [...this.graphIndexes.values()].map((e) => e.index);
    const entry = this.graphIndexes.get(g.termType === 'DefaultGraph' ? DEFAULT_GRAPH_KEY : termKey(g));
    return entry ? [entry.index] : [];
  }

  *matchSync(pattern: QuadPattern): Iterable<Quad> {
    const s = boundKey(pattern.s);
    const p = boundKey(pattern.p);
    const o = boundKey(pattern.o);
    for (const index of this.selectGraphs(pattern.g)) yield* index.match(s, p, o);
  }

  async *match(pattern: QuadPattern, opts: MatchOptions = {}): AsyncIterable<Quad[]> {
    yield* batchesOf(this.matchSync(pattern), opts.batchSize ?? DEFAULT_BATCH, opts.signal);
  }

  async estimate(pattern: QuadPattern): Promise<number> {
    const s = boundKey(pattern.s);
    const p = boundKey(pattern.p);
    const o = boundKey(pattern.o);
    let n = 0;
    for (const index of this.selectGraphs(pattern.g)) n += index.count(s, p, o);
    return n;
  }

  async *graphs(): AsyncIterable<NamedNode> {
    for (const { name, index } of this.graphIndexes.values()) {
      if (name.termType === 'NamedNode' && index.size > 0) yield name;
    }
  }
}
