import { describe, expect, it } from 'vitest';
import { parseUpdateArgs } from './args';
import type { PhaseResult } from './phase';
import { benchJson, targetLines } from './report';

const phase = (latenciesMs: number[], seconds: number): PhaseResult => ({
  samples: latenciesMs.map((ms, i) => ({ op: i % 2 ? 'move' : 'insert', ms })),
  seconds,
  errors: new Map(),
});

describe('update bench report', () => {
  it('fills the output contract, null for what was not measured', () => {
    const single = phase([10, 20, 30, 40], 2);
    const cross = phase([50, 60], 2);
    const j = benchJson({ quarrySingle: single, quarryCross: cross, loaderTps: 1000 });
    expect(j.quarry).toEqual({ singleP50Ms: 20, singleP99Ms: 40, crossP50Ms: 50, crossP99Ms: 60, updatesPerSec: 1.5, sagaTps: null, loaderTps: 1000 });
    expect(j.oxigraph).toEqual({ singleP50Ms: null, singleP99Ms: null, updatesPerSec: null });
    expect(Object.keys(JSON.parse(JSON.stringify(j)) as object)).toEqual(['quarry', 'oxigraph']);
  });

  it('judges both targets', () => {
    const met = targetLines(benchJson({ quarrySingle: phase([100], 1), quarryCross: phase([399], 1), loaderTps: 1000, sagaTps: 800 }));
    expect(met[0]).toMatch(/3\.99x: met$/);
    expect(met[1]).toMatch(/0\.80x: met$/);
    const missed = targetLines(benchJson({ quarrySingle: phase([100], 1), quarryCross: phase([400], 1), loaderTps: 1000, sagaTps: 799 }));
    expect(missed[0]).toMatch(/NOT met$/);
    expect(missed[1]).toMatch(/NOT met$/);
    expect(targetLines(benchJson({}))[1]).toMatch(/not measured$/);
  });

  it('parses options, --saga-args into separate arguments', () => {
    const a = parseUpdateArgs(['--json', '--seconds', '5', '--saga-args', '--chunk-quads 50000']);
    expect(a).toMatchObject({ json: true, seconds: 5, clients: 16, sagaArgs: ['--chunk-quads', '50000'], loadRuns: 1 });
    expect(parseUpdateArgs([]).sagaArgs).toBeUndefined();
    expect(() => parseUpdateArgs(['--clients', '0'])).toThrow(/--clients/);
    expect(() => parseUpdateArgs(['--nope'])).toThrow(/unknown argument/);
  });
});
