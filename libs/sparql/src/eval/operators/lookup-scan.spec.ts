import { describe, expect, it } from 'vitest';
import type { TriplePattern } from '../../algebra/algebra';
import { collectBindings } from '../../engine/query-result';
import { QueryEngine } from '../../engine/query-engine';
import { newCallContext } from '../../expr/call-context';
import { factory, literal, namedNode, variable, type Quad } from '../../rdf/terms';
import { InMemoryQuadSource } from '../../storage/in-memory-quad-source';
import type { MatchOptions, QuadPattern } from '../../storage/quad-source';
import type { EvalContext } from '../context';
import { lookupKey, scanForLookups, type Lookup } from './lookup-scan';

const ex = (s: string) => namedNode(`http://ex/${s}`);

function people(n: number): Quad[] {
  const quads: Quad[] = [];
  for (let i = 0; i < n; i++) {
    quads.push(factory.quad(ex(`p${i}`), ex('knows'), ex(`p${(i + 1) % n}`)));
    quads.push(factory.quad(ex(`p${i}`), ex('name'), literal(`P${i}`)));
    if (i % 3 === 0) quads.push(factory.quad(ex(`p${i}`), ex('knows'), ex(`p${i}`)));
  }
  return quads;
}

/** Counts the scans and lookups the engine asks for. */
class CountingSource extends InMemoryQuadSource {
  calls = 0;
  override match(pattern: QuadPattern, opts?: MatchOptions): AsyncIterable<Quad[]> {
    this.calls++;
    return super.match(pattern, opts);
  }
}

function context(source: InMemoryQuadSource): EvalContext {
  return { source, dataset: { defaultGraph: [factory.defaultGraph()], namedGraphs: [] }, activeGraph: 'default', call: newCallContext(undefined), limits: {}, batchSize: 256 };
}

async function each(source: InMemoryQuadSource, l: Lookup): Promise<string[]> {
  const out: string[] = [];
  for await (const quads of source.match({ s: l[0], p: l[1], o: l[2], g: factory.defaultGraph() })) for (const q of quads) out.push(`${q.subject.value} ${q.object.value}`);
  return out.sort();
}

describe('lookups answered by one scan', () => {
  it('finds what looking each up finds, whatever positions the lookups bind', async () => {
    const source = new InMemoryQuadSource(people(60));
    const pattern: TriplePattern = { s: variable('a'), p: ex('knows'), o: variable('b') };
    const lookups = new Map<string, Lookup>();
    const add = (l: Lookup) => lookups.set(lookupKey(l), l);
    for (let i = 0; i < 40; i++) add([undefined, ex('knows'), ex(`p${i}`)]);
    add([ex('p3'), ex('knows'), undefined]);
    add([ex('p3'), ex('knows'), ex('p3')]);
    add([ex('p4'), ex('knows'), ex('p4')]);
    add([ex('nobody'), ex('knows'), undefined]);
    const scanned = await scanForLookups(pattern, lookups, context(source));
    expect(scanned).toBeDefined();
    expect(scanned!.size).toBe(lookups.size);
    for (const [key, l] of lookups) expect(scanned!.get(key)!.map((q) => `${q.subject.value} ${q.object.value}`).sort()).toEqual(await each(source, l));
    expect(scanned!.get(lookupKey([ex('p3'), ex('knows'), ex('p3')]))).toHaveLength(1);
    expect(scanned!.get(lookupKey([ex('p4'), ex('knows'), ex('p4')]))).toHaveLength(0);
  });

  it('leaves few lookups, or lookups into a much larger range, to be looked up one by one', async () => {
    const source = new InMemoryQuadSource(people(2000));
    const pattern: TriplePattern = { s: variable('a'), p: ex('name'), o: variable('n') };
    const few = new Map<string, Lookup>([[lookupKey([ex('p1'), ex('name'), undefined]), [ex('p1'), ex('name'), undefined]]]);
    expect(await scanForLookups(pattern, few, context(source))).toBeUndefined();
    const many = new Map<string, Lookup>();
    for (let i = 0; i < 40; i++) many.set(lookupKey([ex(`p${i}`), ex('name'), undefined]), [ex(`p${i}`), ex('name'), undefined]);
    expect(await scanForLookups(pattern, many, context(source))).toBeUndefined();
  });

  it('gives a join the same solutions with one scan instead of a lookup per row', async () => {
    const source = new CountingSource(people(100));
    const q = 'SELECT ?a ?b ?n WHERE { ?a <http://ex/knows> ?b . ?b <http://ex/name> ?n . ?b <http://ex/knows> ?b }';
    const r = await new QueryEngine(source).query(q);
    if (r.type !== 'bindings') throw new Error('expected bindings');
    const rows = (await collectBindings(r)).map((b) => `${b.get('a')!.value} ${b.get('b')!.value} ${b.get('n')!.value}`).sort();
    const expected: string[] = [];
    for (let i = 0; i < 100; i++) {
      if (i % 3 === 0) expected.push(`http://ex/p${i} http://ex/p${i} P${i}`);
      const b = (i + 1) % 100;
      if (b % 3 === 0) expected.push(`http://ex/p${i} http://ex/p${b} P${b}`);
    }
    expect(rows).toEqual(expected.sort());
    expect(source.calls).toBeLessThan(10);
  });
});
