import { describe, expect, it } from 'vitest';
import { blankNode, defaultGraph, literal, namedNode, quad } from '@quarry/rdf';
import { tempStore } from './support';

const ex = (s: string) => namedNode(`http://ex/${s}`);

describe('QuadStore.contains', () => {
  it('answers per quad what was visible at the read timestamp', async () => {
    const { store, dispose } = await tempStore();
    try {
      await store.createRegion(1n);
      const a = quad(ex('a'), ex('p'), literal('1'), defaultGraph());
      const b = quad(ex('b'), ex('p'), ex('o'), ex('g'));
      const c = quad(blankNode('x'), ex('p'), literal('hi', 'en'), defaultGraph());
      const never = quad(ex('z'), ex('unknown-predicate'), ex('o'), defaultGraph());
      await store.applyBatch(1n, 10n, [a, b]);
      await store.applyBatch(1n, 20n, [c], [a]);
      expect(store.contains(1n, [a, b, c, never], 5n)).toEqual([false, false, false, false]);
      expect(store.contains(1n, [a, b, c, never], 10n)).toEqual([true, true, false, false]);
      expect(store.contains(1n, [a, b, c, never], 20n)).toEqual([false, true, true, false]);
      // the same quad in another graph is another quad
      expect(store.contains(1n, [quad(ex('b'), ex('p'), ex('o'), defaultGraph())], 20n)).toEqual([false]);
    } finally {
      await dispose();
    }
  });
});
