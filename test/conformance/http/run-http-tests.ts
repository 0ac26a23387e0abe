import { DatasetLoader } from './dataset-loader';
import { runQueryEvaluationTest } from './query-evaluation-test';
import { SparqlHttpClient } from './sparql-http-client';
import { runSyntaxTest } from './syntax-test';
import type { PlannedTest, TestOrigin } from './test-plan';
import { runUpdateEvaluationTest } from './update-evaluation-test';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface HttpTestOutcome extends TestOrigin {
  kind: PlannedTest['kind'];
  status: TestStatus;
  reason?: string;
  durationMs: number;
}

/** Tests not run, with why (ids as printed by the report). */
export const SKIPPED_TESTS: ReadonlyMap<string, string> = new Map();

async function runOne(test: PlannedTest, client: SparqlHttpClient, loader: DatasetLoader): Promise<string | undefined> {
  switch (test.kind) {
    case 'query-evaluation':
      return runQueryEvaluationTest(test.test, client, loader);
    case 'update-evaluation':
      return runUpdateEvaluationTest(test.test, client, loader);
    case 'syntax':
      // An update that parses is also executed, so the store may have changed.
      if (test.isUpdate) loader.invalidate();
      return runSyntaxTest(test.file, test.positive, test.isUpdate, client);
  }
}

export interface RunStatistics {
  datasetLoads: number;
  datasetReuses: number;
}

/** Runs the tests one after another against the endpoint (each test owns the whole store). */
export async function runHttpTests(
  tests: PlannedTest[],
  endpoint: string,
  onOutcome: (outcome: HttpTestOutcome) => void = () => undefined,
): Promise<{ outcomes: HttpTestOutcome[]; statistics: RunStatistics }> {
  const client = new SparqlHttpClient(endpoint);
  const loader = new DatasetLoader(client);
  const outcomes: HttpTestOutcome[] = [];
  for (const test of tests) {
    const origin = { suite: test.suite, manifest: test.manifest, id: test.id, kind: test.kind };
    const skipReason = SKIPPED_TESTS.get(test.id);
    if (skipReason !== undefined) {
      outcomes.push({ ...origin, status: 'skipped', reason: skipReason, durationMs: 0 });
      continue;
    }
    const started = performance.now();
    let reason: string | undefined;
    try {
      reason = await runOne(test, client, loader);
    } catch (e) {
      loader.invalidate();
      const error = e instanceof Error ? e : new Error(String(e));
      reason = `${error.name}: ${error.message.split('\n')[0]}`;
    }
    const outcome: HttpTestOutcome = {
      ...origin,
      status: reason === undefined ? 'passed' : 'failed',
      reason,
      durationMs: Math.round(performance.now() - started),
    };
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  return { outcomes, statistics: { datasetLoads: loader.loads, datasetReuses: loader.reuses } };
}
