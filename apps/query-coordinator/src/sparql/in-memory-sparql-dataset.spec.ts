import { describe, expect, it } from 'vitest';
import { factory, namedNode } from '@quarry/sparql';
import { InMemorySparqlDataset } from './in-memory-sparql-dataset';

const quad = (s: string) => factory.quad(namedNode(`http://ex/${s}`), namedNode('http://ex/p'), namedNode('http://ex/o'));

describe('InMemorySparqlDataset', () => {
  it('commits atomically and leaves earlier snapshots unchanged', async () => {
    const dataset = new InMemorySparqlDataset([quad('a')]);
    const before = dataset.source();
    await dataset.writer.commit({ deletes: [quad('a')], inserts: [quad('b')] });
    const count = async (source: ReturnType<InMemorySparqlDataset['source']>) => {
      let n = 0;
      for await (const batch of source.match({})) n += batch.length;
      return n;
    };
    expect(await count(before)).toBe(1);
    expect(dataset.quads().map((q) => q.subject.value)).toEqual(['http://ex/b']);
    expect(await count(dataset.source())).toBe(1);
  });
});
