import { describe, expect, it } from 'vitest';
import { select, storeFromTrig } from '../testing/query-helpers';

const data = storeFromTrig(`
  @prefix : <http://ex/> .
  :a :name "Alice" ; :age 30 ; :knows :b .
  :b :name "Bob" ; :age 25 ; :knows :c .
  :c :name "Carol" .
  :g1 { :a :in :g1 . }
  :g2 { :b :in :g2 . :a :in :g2 . }
`);
const P = 'PREFIX : <http://ex/> ';

function sorted(rows: Array<Record<string, string>>): string[] {
  return rows.map((r) => JSON.stringify(Object.entries(r).sort())).sort();
}

describe('joins', () => {
  it('joins triple patterns (bind join) on shared variables', async () => {
    const rows = await select(data, `${P} SELECT ?n ?m { ?x :knows ?y . ?x :name ?n . ?y :name ?m }`);
    expect(sorted(rows)).toEqual(
      sorted([
        { n: '"Alice"', m: '"Bob"' },
        { n: '"Bob"', m: '"Carol"' },
      ]),
    );
  });

  it('hash-joins a subquery with the outer pattern', async () => {
    const rows = await select(data, `${P} SELECT ?n ?c { ?x :name ?n { SELECT ?x (COUNT(*) AS ?c) { ?x :knows ?y } GROUP BY ?x } }`);
    expect(rows).toHaveLength(2);
  });

  it('yields the cartesian product for disjoint patterns', async () => {
    const rows = await select(data, `${P} SELECT * { ?a :age ?x . ?b :age ?y }`);
    expect(rows).toHaveLength(4);
  });
});

describe('OPTIONAL, MINUS and FILTER scoping', () => {
  it('keeps left solutions without a match', async () => {
    const rows = await select(data, `${P} SELECT ?n ?age { ?x :name ?n OPTIONAL { ?x :age ?age } }`);
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.n === '"Carol"')?.age).toBeUndefined();
  });

  it('applies a FILTER in OPTIONAL to the merged solution', async () => {
    const rows = await select(data, `${P} SELECT ?n ?age { ?x :name ?n OPTIONAL { ?x :age ?age FILTER(?n = "Bob") } }`);
    expect(rows.filter((r) => r.age !== undefined).map((r) => r.n)).toEqual(['"Bob"']);
  });

  it('does not let a nested-group FILTER see outer variables', async () => {
    const rows = await select(data, `${P} SELECT ?n ?age { ?x :name ?n OPTIONAL { { ?x :age ?age FILTER(?n = "Bob") } } }`);
    expect(rows.every((r) => r.age === undefined)).toBe(true);
  });

  it('MINUS removes compatible solutions that share a variable', async () => {
    const rows = await select(data, `${P} SELECT ?n { ?x :name ?n MINUS { ?x :age 30 } }`);
    expect(rows.map((r) => r.n).sort()).toEqual(['"Bob"', '"Carol"']);
    const none = await select(data, `${P} SELECT ?n { ?x :name ?n MINUS { ?other :age 30 } }`);
    expect(none).toHaveLength(3);
  });

  it('evaluates EXISTS with substitution semantics', async () => {
    const rows = await select(data, `${P} SELECT ?n { ?x :name ?n FILTER NOT EXISTS { ?x :knows ?y } }`);
    expect(rows.map((r) => r.n)).toEqual(['"Carol"']);
  });
});

describe('grouping, modifiers and VALUES', () => {
  it('aggregates with GROUP BY and HAVING', async () => {
    const rows = await select(
      data,
      `${P} SELECT (SUM(?a) AS ?s) (AVG(?a) AS ?avg) (MIN(?a) AS ?min) (MAX(?a) AS ?max) (COUNT(DISTINCT ?x) AS ?c) { ?x :age ?a }`,
    );
    expect(rows[0]).toMatchObject({ s: '"55"^^<http://www.w3.org/2001/XMLSchema#integer>', c: '"2"^^<http://www.w3.org/2001/XMLSchema#integer>' });
    expect(rows[0]?.avg).toBe('"27.5"^^<http://www.w3.org/2001/XMLSchema#decimal>');
  });

  it('GROUP_CONCAT with a separator and SAMPLE', async () => {
    const rows = await select(data, `${P} SELECT (GROUP_CONCAT(?n; SEPARATOR="|") AS ?all) (SAMPLE(?n) AS ?one) { SELECT ?n { ?x :name ?n } ORDER BY ?n }`);
    expect(rows[0]?.all).toBe('"Alice|Bob|Carol"');
    expect(rows[0]?.one).toBeDefined();
  });

  it('an aggregate over no rows gives one group', async () => {
    const rows = await select(data, `${P} SELECT (COUNT(*) AS ?c) { ?x :nothing ?y }`);
    expect(rows).toEqual([{ c: '"0"^^<http://www.w3.org/2001/XMLSchema#integer>' }]);
  });

  it('ORDER BY DESC, OFFSET and LIMIT', async () => {
    const rows = await select(data, `${P} SELECT ?n { ?x :name ?n } ORDER BY DESC(?n) OFFSET 1 LIMIT 1`);
    expect(rows).toEqual([{ n: '"Bob"' }]);
  });

  it('DISTINCT removes duplicates', async () => {
    const rows = await select(data, `${P} SELECT DISTINCT ?g { GRAPH ?g { ?s :in ?o } }`);
    expect(rows).toHaveLength(2);
  });

  it('VALUES with UNDEF joins like a solution sequence', async () => {
    const rows = await select(data, `${P} SELECT ?x ?n { VALUES (?x ?n) { (:a UNDEF) (UNDEF "Bob") } ?x :name ?n }`);
    expect(sorted(rows)).toEqual(
      sorted([
        { x: '<http://ex/a>', n: '"Alice"' },
        { x: '<http://ex/b>', n: '"Bob"' },
      ]),
    );
  });

  it('BIND errors leave the variable unbound', async () => {
    const rows = await select(data, `${P} SELECT ?n ?bad { ?x :name ?n BIND(1/0 AS ?bad) }`);
    expect(rows.every((r) => r.bad === undefined)).toBe(true);
  });
});

describe('GRAPH', () => {
  it('iterates named graphs and binds the graph variable', async () => {
    const rows = await select(data, `${P} SELECT ?g ?s { GRAPH ?g { ?s :in ?g } }`);
    expect(rows).toHaveLength(3);
  });

  it('does not see the graph variable inside the pattern', async () => {
    const rows = await select(data, `${P} SELECT * { GRAPH ?g { FILTER(BOUND(?g)) } }`);
    expect(rows).toHaveLength(0);
  });
});
