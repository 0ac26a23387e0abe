import { describe, expect, it } from 'vitest';
import { factory, namedNode } from '@quarry/sparql';
import { errorResponse } from './error-response';
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

  it('refuses the commit of a transaction whose snapshot another commit overtook, and the endpoint answers 409', async () => {
    const dataset = new InMemorySparqlDataset([quad('a')]);
    const first = dataset.begin();
    const second = dataset.begin();
    await first.writer.commit({ deletes: [quad('a')], inserts: [quad('b')] });
    const refused = await second.writer.commit({ deletes: [quad('a')], inserts: [quad('c')] }).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ABORTED' });
    expect(dataset.quads().map((q) => q.subject.value)).toEqual(['http://ex/b']);
    const response = errorResponse(refused);
    expect(response?.status).toBe(409);
  });
});
