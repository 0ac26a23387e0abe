import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSuites, summarise } from '../../../test/conformance/run-conformance';

const BASELINE_PATH = resolve(__dirname, '../../../test/conformance/baseline.json');

interface Baseline {
  passed: Record<string, number>;
}

describe('W3C SPARQL conformance (in-memory)', () => {
  it('passes at least as many tests as the recorded baseline', async () => {
    const outcomes = await runSuites();
    const lines = summarise(outcomes);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (process.env.CONFORMANCE_VERBOSE) {
      for (const o of outcomes.filter((x) => !x.passed)) process.stdout.write(`FAIL ${o.iri}: ${o.reason}\n`);
    }
    const baseline = JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) as Baseline;
    for (const [suite, min] of Object.entries(baseline.passed)) {
      const passed = outcomes.filter((o) => o.suite === suite && o.passed).length;
      expect(passed, `passing tests in ${suite}`).toBeGreaterThanOrEqual(min);
    }
  }, 120_000);
});
