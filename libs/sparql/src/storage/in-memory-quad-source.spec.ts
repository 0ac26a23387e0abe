import { describe, expect, it } from 'vitest';
import { factory, namedNode, literal, type Quad } from '../rdf/terms';
import { InMemoryQuadSource } from './in-memory-quad-source';

const s = namedNode('http://s');
const p = namedNode('http://p');
const g = namedNode('http://g');

async function all(source: InMemoryQuadSource, pattern: Parameters<InMemoryQuadSource['match']>[0]): Promise<Quad[]> {
  const out: Quad[] = [];
  for await (const batch of source.match(pattern, { batchSize: 2 })) out.push(...batch);
  return out;
}

describe('InMemoryQuadSource', () => {
  const source = new InMemoryQuadSource([
    factory.quad(s, p, literal('1')),
    factory.quad(s, p, literal('2')),
    factory.quad(s, p, literal('3'), g),
    factory.quad(namedNode('http://t'), p, literal('1')),
  ]);

  it('matches by any combination of positions, in batches', async () => {
    expect(await all(source, { s })).toHaveLength(3);
    expect(await all(source, { o: literal('1') })).toHaveLength(2);
    expect(await all(source, { s, o: literal('2') })).toHaveLength(1);
    expect(await all(source, { p })).toHaveLength(4);
  });

  it('distinguishes any graph, the default graph and a named graph', async () => {
    expect(await all(source, {})).toHaveLength(4);
    expect(await all(source, { g: factory.defaultGraph() })).toHaveLength(3);
    expect(await all(source, { g })).toHaveLength(1);
  });

  it('estimates cardinalities and lists named graphs', async () => {
    expect(await source.estimate({ p })).toBe(4);
    expect(await source.estimate({ s, g: factory.defaultGraph() })).toBe(2);
    const graphs: string[] = [];
    for await (const name of source.graphs()) graphs.push(name.value);
    expect(graphs).toEqual(['http://g']);
  });

  it('ignores duplicate quads and supports deletion', () => {
    const store = new InMemoryQuadSource();
    expect(store.add(factory.quad(s, p, literal('x')))).toBe(true);
    expect(store.add(factory.quad(s, p, literal('x')))).toBe(false);
    expect(store.delete(factory.quad(s, p, literal('x')))).toBe(true);
    expect(store.size).toBe(0);
  });
});
