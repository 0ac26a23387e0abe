import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blankNode, defaultGraph, literal, namedNode, quad, type Quad } from '@quarry/rdf';
import { chunksOf, prefixBlankNodes } from './chunker';

const q = (i: number): Quad => quad(namedNode(`http://ex/s${i}`), namedNode('http://ex/p'), literal(String(i)), defaultGraph());

async function* batches(quads: Quad[], sizes: number[]): AsyncGenerator<Quad[]> {
  let at = 0;
  for (let k = 0; at < quads.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    yield quads.slice(at, at + n);
    at += n;
  }
}

async function collect(it: AsyncIterable<{ index: number; quads: Quad[] }>): Promise<{ index: number; values: string[] }[]> {
  const out: { index: number; values: string[] }[] = [];
  for await (const c of it) out.push({ index: c.index, values: c.quads.map((x) => x.object.value) });
  return out;
}

describe('chunksOf', () => {
  it('cuts chunk i = quads [i*size, (i+1)*size) whatever the batch sizes, and skips recorded chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(60),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }),
        fc.nat(8),
        async (n, size, sizes, skip) => {
          const quads = Array.from({ length: n }, (_, i) => q(i));
          const chunks = await collect(chunksOf(batches(quads, sizes), size, skip));
          const expected: { index: number; values: string[] }[] = [];
          for (let i = 0; i * size < n; i++)
            if (i >= skip) expected.push({ index: i, values: quads.slice(i * size, (i + 1) * size).map((x) => x.object.value) });
          expect(chunks).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a chunk size that is not a positive integer', async () => {
    await expect(collect(chunksOf(batches([q(1)], [1]), 0))).rejects.toThrow(/positive integer/);
  });
});

describe('prefixBlankNodes', () => {
  it('relabels blank subjects, objects and graphs and leaves other quads as they are', () => {
    const plain = q(1);
    expect(prefixBlankNodes(plain, 'x_')).toBe(plain);
    const b = prefixBlankNodes(quad(blankNode('a'), namedNode('http://ex/p'), blankNode('b'), blankNode('g')), 'x_');
    expect([b.subject.value, b.object.value, b.graph.value]).toEqual(['x_a', 'x_b', 'x_g']);
  });
});
