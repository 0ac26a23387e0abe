import { describe, expect, it } from 'vitest';
import { factory, namedNode, termKey, type Quad } from '../rdf/terms';
import { InMemoryQuadSource } from '../storage/in-memory-quad-source';
import { OverlayQuadSource } from './overlay-quad-source';

const ex = (s: string) => namedNode(`http://ex/${s}`);
const q = (s: string, g?: string): Quad => factory.quad(ex(s), ex('p'), ex('o'), g ? ex(g) : factory.defaultGraph());

async function all(src: OverlayQuadSource, g?: Quad['graph']): Promise<string[]> {
  const out: string[] = [];
  const pattern = g && (g.termType === 'NamedNode' || g.termType === 'DefaultGraph') ? { g } : {};
  for await (const batch of src.match(pattern)) out.push(...batch.map((x) => termKey(x.subject)));
  return out.sort();
}

describe('OverlayQuadSource', () => {
  it('shows base minus deletes plus inserts without touching the base', async () => {
    const base = new InMemoryQuadSource([q('a'), q('b')]);
    const overlay = new OverlayQuadSource(base);
    overlay.delete(q('a'));
    overlay.insert(q('c'));
    expect(await all(overlay)).toEqual(['<http://ex/b>', '<http://ex/c>']);
    expect(base.size).toBe(2);
  });

  it('does not report a re-inserted base quad twice', async () => {
    const overlay = new OverlayQuadSource(new InMemoryQuadSource([q('a')]));
    overlay.insert(q('a'));
    expect(await all(overlay)).toEqual(['<http://ex/a>']);
  });

  it('keeps the last of a delete and an insert of the same quad', async () => {
    const overlay = new OverlayQuadSource(new InMemoryQuadSource([q('a')]));
    overlay.delete(q('a'));
    overlay.insert(q('a'));
    expect(overlay.change().deletes).toHaveLength(0);
    overlay.delete(q('a'));
    expect(overlay.change()).toEqual({ deletes: [q('a')], inserts: [] });
    expect(await all(overlay)).toEqual([]);
  });

  it('lists named graphs that still hold quads', async () => {
    const overlay = new OverlayQuadSource(new InMemoryQuadSource([q('a', 'g1'), q('b', 'g2')]));
    overlay.delete(q('a', 'g1'));
    overlay.insert(q('c', 'g3'));
    const graphs: string[] = [];
    for await (const g of overlay.graphs()) graphs.push(g.value);
    expect(graphs.sort()).toEqual(['http://ex/g2', 'http://ex/g3']);
    expect(await overlay.hasQuads(ex('g1'))).toBe(false);
    expect(await overlay.estimate({ g: ex('g3') })).toBe(1);
  });
});
