import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUpdateSuites, summariseUpdates } from '../../../../test/conformance/update-tests';

const BASELINE_PATH = resolve(__dirname, '../../../../test/conformance/update-baseline.json');

interface Baseline {
  passed: Record<string, number>;
}

describe('W3C SPARQL 1.1 Update conformance (in-memory)', () => {
  it('passes at least as many tests as the recorded baseline', async () => {
    const outcomes = await runUpdateSuites();
    process.stdout.write(`${summariseUpdates(outcomes).join('\n')}\n`);
    if (process.env.CONFORMANCE_VERBOSE) {
      for (const o of outcomes.filter((x) => !x.passed)) process.stdout.write(`FAIL ${o.iri}: ${o.reason}\n`);
    }
    if (process.env.UPDATE_BASELINE_WRITE || !existsSync(BASELINE_PATH)) {
      const passed: Record<string, number> = {};
      for (const o of outcomes) passed[o.suite] = (passed[o.suite] ?? 0) + (o.passed ? 1 : 0);
      writeFileSync(BASELINE_PATH, `${JSON.stringify({ passed }, null, 2)}\n`);
    }
    const baseline = JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) as Baseline;
    for (const [suite, min] of Object.entries(baseline.passed)) {
      const passed = outcomes.filter((o) => o.suite === suite && o.passed).length;
      expect(passed, `passing tests in ${suite}`).toBeGreaterThanOrEqual(min);
    }
  }, 120_000);
});
