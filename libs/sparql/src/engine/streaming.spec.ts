import { describe, expect, it } from 'vitest';
import { factory, integerLiteral, namedNode, type NamedNode, type Quad } from '../rdf/terms';
import { InMemoryQuadSource } from '../storage/in-memory-quad-source';
import type { MatchOptions, QuadPattern, QuadSource } from '../storage/quad-source';
import { QueryEngine } from './query-engine';
import { collectBindings } from './query-result';

/** Wraps a source and counts the quads the engine actually pulled. */
class CountingSource implements QuadSource {
  pulled = 0;
  constructor(private readonly inner: QuadSource) {}
  async *match(pattern: QuadPattern, opts?: MatchOptions): AsyncIterable<Quad[]> {
    for await (const batch of this.inner.match(pattern, opts)) {
      this.pulled += batch.length;
      yield batch;
    }
  }
  estimate(pattern: QuadPattern): Promise<number> {
    return this.inner.estimate(pattern);
  }
  graphs(): AsyncIterable<NamedNode> {
    return this.inner.graphs();
  }
}

function bigStore(n: number): InMemoryQuadSource {
  const store = new InMemoryQuadSource();
  const p = namedNode('http://ex/value');
  const next = namedNode('http://ex/next');
  for (let i = 0; i < n; i++) {
    const s = namedNode(`http://ex/s${i}`);
    store.add(factory.quad(s, p, integerLiteral(i)));
    store.add(factory.quad(s, next, namedNode(`http://ex/s${i + 1}`)));
  }
  return store;
}

describe('streaming evaluation', () => {
  const store = bigStore(20_000);

  it('LIMIT stops pulling from the source early', async () => {
    const source = new CountingSource(store);
    const result = await new QueryEngine(source).query('SELECT * { ?s <http://ex/next> ?o . ?o <http://ex/value> ?v } LIMIT 5');
    if (result.type !== 'bindings') throw new Error('expected bindings');
    expect(await collectBindings(result)).toHaveLength(5);
    expect(source.pulled).toBeLessThan(2_000);
  });

  it('joins and aggregates 20k-row inputs quickly', async () => {
    const started = Date.now();
    const result = await new QueryEngine(store).query(
      'SELECT (COUNT(*) AS ?c) (SUM(?v) AS ?sum) { ?s <http://ex/next> ?o . ?o <http://ex/value> ?v FILTER(?v >= 10) }',
    );
    if (result.type !== 'bindings') throw new Error('expected bindings');
    const [row] = await collectBindings(result);
    expect(row?.get('c')?.value).toBe('19990');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
