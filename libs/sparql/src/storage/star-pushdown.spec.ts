import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSuites } from '../../../../test/conformance/run-conformance';
import { collectBindings } from '../engine/query-result';
import { QueryEngine } from '../engine/query-engine';
import { factory, literal, namedNode } from '../rdf/terms';
import { PartitionedQuadSource } from '../testing/partitioned-quad-source';

const ex = (s: string) => namedNode(`http://ex/${s}`);

describe('star pushdown (patterns around one subject evaluated where the subject lives)', () => {
  it('passes the W3C query suites over a store split into partitions by subject', async () => {
    const suites = ['sparql10-evaluation', 'sparql11-query'];
    const outcomes = await runSuites(suites, (store) => new PartitionedQuadSource(store.matchSync({}), 3));
    const baseline = (JSON.parse(readFileSync(resolve(__dirname, '../../../../test/conformance/baseline.json'), 'utf8')) as { passed: Record<string, number> })
      .passed;
    for (const suite of suites) {
      const failed = outcomes.filter((o) => o.suite === suite && !o.passed);
      expect(outcomes.filter((o) => o.suite === suite && o.passed).length, failed.map((f) => `${f.iri}: ${f.reason}`).join('\n')).toBeGreaterThanOrEqual(
        baseline[suite],
      );
    }
  });

  it('asks one partition per batch for a star whose subject is bound, every partition when it is not', async () => {
    const quads = [];
    for (let i = 0; i < 50; i++) {
      quads.push(factory.quad(ex(`p${i}`), ex('knows'), ex(`p${(i + 1) % 50}`)));
      quads.push(factory.quad(ex(`p${i}`), ex('name'), literal(`P${i}`)));
      quads.push(factory.quad(ex(`p${i}`), ex('age'), literal(String(20 + (i % 7)))));
    }
    const source = new PartitionedQuadSource(quads, 3);
    const engine = new QueryEngine(source);
    const run = async (q: string) => {
      const r = await engine.query(q);
      if (r.type !== 'bindings') throw new Error('expected bindings');
      return collectBindings(r);
    };
    const one = await run('SELECT ?n ?a { <http://ex/p7> <http://ex/name> ?n ; <http://ex/age> ?a }');
    expect(one.map((b) => b.get('n')?.value)).toEqual(['P7']);
    expect(source.starCalls.reduce((a, b) => a + b, 0)).toBe(1);
    source.starCalls.fill(0);
    // two stars: ?x's everywhere, then ?y's per partition owning the ?y values of the batch
    const rows = await run('SELECT ?xn ?yn { ?x <http://ex/knows> ?y ; <http://ex/name> ?xn . ?y <http://ex/name> ?yn ; <http://ex/age> "21" }');
    expect(rows).toHaveLength(quads.filter((q) => q.predicate.value === 'http://ex/age' && q.object.value === '21').length);
    expect(rows.every((b) => Number(b.get('xn')!.value.slice(1)) === (Number(b.get('yn')!.value.slice(1)) + 49) % 50)).toBe(true);
    expect(source.starCalls.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(6);
  });
});
