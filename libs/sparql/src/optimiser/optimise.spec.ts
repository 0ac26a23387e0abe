import { describe, expect, it } from 'vitest';
import type { Expr, Op, TriplePattern } from '../algebra/algebra';
import { namedNode, variable, type Term } from '../rdf/terms';
import { orderBgp } from './bgp-order';
import { optimise } from './optimise';

const v = (n: string) => variable(n);
const iri = (x: string) => namedNode(`http://ex/${x}`);

describe('BGP join ordering', () => {
  it('starts with the most selective pattern and follows shared variables', async () => {
    const type: TriplePattern = { s: v('x'), p: iri('type'), o: iri('Person') };
    const name: TriplePattern = { s: v('x'), p: iri('name'), o: v('n') };
    const rare: TriplePattern = { s: v('y'), p: iri('rare'), o: v('x') };
    const counts: Record<string, number> = { type: 1000, name: 5000, rare: 3 };
    const estimate = async (_s?: Term, p?: Term) => counts[p?.value.replace('http://ex/', '') ?? ''] ?? 0;
    const ordered = await orderBgp([type, name, rare], estimate);
    expect(ordered[0]).toBe(rare);
    expect(ordered.slice(1)).toEqual([type, name]);
  });

  it('avoids cartesian products when a connected pattern exists', async () => {
    const a: TriplePattern = { s: v('a'), p: iri('p'), o: v('b') };
    const b: TriplePattern = { s: v('b'), p: iri('q'), o: v('c') };
    const c: TriplePattern = { s: v('z'), p: iri('r'), o: v('w') };
    const counts: Record<string, number> = { p: 10, q: 1000, r: 20 };
    const ordered = await orderBgp([c, b, a], async (_s, p) => counts[p?.value.replace('http://ex/', '') ?? ''] ?? 0);
    expect(ordered).toEqual([a, b, c]);
  });
});

describe('filter pushdown', () => {
  it('moves conjuncts into the join side that binds their variables', async () => {
    const left: Op = { type: 'bgp', patterns: [{ s: v('x'), p: iri('p'), o: v('a') }] };
    const right: Op = {
      type: 'leftJoin',
      left: { type: 'bgp', patterns: [{ s: v('x'), p: iri('q'), o: v('b') }] },
      right: { type: 'bgp', patterns: [{ s: v('x'), p: iri('r'), o: v('c') }] },
    };
    const onA: Expr = { type: 'call', name: 'bound', args: [{ type: 'var', name: 'a' }] };
    const onC: Expr = { type: 'call', name: 'bound', args: [{ type: 'var', name: 'c' }] };
    const op: Op = { type: 'filter', expr: { type: 'call', name: '&&', args: [onA, onC] }, input: { type: 'join', left, right } };
    const optimised = await optimise(op, async () => 1);
    // ?a is always bound by the left BGP; ?c is optional on the right, so that conjunct stays.
    expect(optimised).toMatchObject({ type: 'filter', expr: onC, input: { type: 'join', left: { type: 'filter', expr: onA } } });
  });
});
