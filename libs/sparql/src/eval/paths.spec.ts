import { describe, expect, it } from 'vitest';
import { select, storeFromTrig } from '../testing/query-helpers';

const data = storeFromTrig(`
  @prefix : <http://ex/> .
  :a :p :b . :b :p :c . :c :p :a . :c :q :d . :d :r :e .
`);
const P = 'PREFIX : <http://ex/> ';

async function objects(query: string, v = 'o'): Promise<string[]> {
  return (await select(data, `${P} ${query}`)).map((r) => r[v] ?? '').sort();
}

describe('property paths', () => {
  it('sequence and inverse', async () => {
    expect(await objects('SELECT ?o { :a :p/:p ?o }')).toEqual(['<http://ex/c>']);
    expect(await objects('SELECT ?o { :b ^:p ?o }')).toEqual(['<http://ex/a>']);
    expect(await objects('SELECT ?o { ?o :p/:q :d }')).toEqual(['<http://ex/b>']);
  });

  it('alternative keeps duplicates (bag semantics)', async () => {
    expect(await objects('SELECT ?o { :c (:p|:p) ?o }')).toEqual(['<http://ex/a>', '<http://ex/a>']);
  });

  it('zero-or-more includes the start node and handles cycles', async () => {
    expect(await objects('SELECT ?o { :a :p* ?o }')).toEqual(['<http://ex/a>', '<http://ex/b>', '<http://ex/c>']);
  });

  it('one-or-more excludes zero-length unless on a cycle', async () => {
    expect(await objects('SELECT ?o { :d :r+ ?o }')).toEqual(['<http://ex/e>']);
    expect(await objects('SELECT ?o { :a :p+ ?o }')).toEqual(['<http://ex/a>', '<http://ex/b>', '<http://ex/c>']);
  });

  it('zero-or-one', async () => {
    expect(await objects('SELECT ?o { :a :p? ?o }')).toEqual(['<http://ex/a>', '<http://ex/b>']);
  });

  it('closure from the object end', async () => {
    expect(await objects('SELECT ?s { ?s :r* :e }', 's')).toEqual(['<http://ex/d>', '<http://ex/e>']);
  });

  it('zero-length path from a constant not in the graph', async () => {
    expect(await objects('SELECT ?o { :zzz :p* ?o }')).toEqual(['<http://ex/zzz>']);
  });

  it('negated property sets, forward and inverse', async () => {
    expect(await objects('SELECT ?o { :c !:p ?o }')).toEqual(['<http://ex/d>']);
    expect(await objects('SELECT ?o { :d !(^:p) ?o }')).toEqual(['<http://ex/c>']);
    expect(await objects('SELECT ?o { :c !(:q|^:q) ?o }')).toEqual(['<http://ex/a>', '<http://ex/b>']);
  });

  it('same variable at both ends', async () => {
    expect(await objects('SELECT ?x { ?x :p+ ?x }', 'x')).toEqual(['<http://ex/a>', '<http://ex/b>', '<http://ex/c>']);
  });
});
