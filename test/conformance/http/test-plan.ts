import { relative, resolve } from 'node:path';
import { loadManifest, type ConformanceTest } from '../manifest';
import { loadSuite, SUITES, testId, W3C_ROOT } from '../run-conformance';
import { loadUpdateSuite, UPDATE_SUITES, type UpdateTest } from '../update-tests';

/** Where a test comes from: suite name, manifest directory relative to the W3C root, readable id. */
export interface TestOrigin {
  suite: string;
  manifest: string;
  id: string;
}

/** Every test the HTTP run executes, by what it needs done. */
export type PlannedTest =
  | (TestOrigin & { kind: 'query-evaluation'; test: ConformanceTest })
  | (TestOrigin & { kind: 'syntax'; file: string | undefined; positive: boolean; isUpdate: boolean })
  | (TestOrigin & { kind: 'update-evaluation'; test: UpdateTest });

/** SPARQL 1.1 Update syntax manifests (not in the in-memory harness's suites). */
const UPDATE_SYNTAX_MANIFESTS = ['sparql11/syntax-update-1/manifest.ttl', 'sparql11/syntax-update-2/manifest.ttl'];
const UPDATE_SYNTAX_SUITE = 'sparql11-syntax-update';
const UPDATE_EVALUATION_SUITE = 'sparql11-update';
const FEDERATION_SUITE = 'sparql11-service';

const isSyntaxType = (type: string): boolean => type.includes('SyntaxTest');
const isPositiveType = (type: string): boolean => type.startsWith('Positive');

function fromQueryManifest(suite: string, test: ConformanceTest): PlannedTest {
  const origin = { suite, manifest: relative(W3C_ROOT, test.manifest), id: testId(test.iri) };
  if (!isSyntaxType(test.type)) return { ...origin, kind: 'query-evaluation', test };
  const isUpdate = test.type.includes('Update') || (test.queryFile?.endsWith('.ru') ?? false);
  return { ...origin, kind: 'syntax', file: test.queryFile, positive: isPositiveType(test.type), isUpdate };
}

function fromUpdateManifest(test: UpdateTest): PlannedTest {
  const origin = { suite: UPDATE_EVALUATION_SUITE, manifest: `sparql11/${test.suite}`, id: testId(test.iri) };
  if (isSyntaxType(test.type)) return { ...origin, kind: 'syntax', file: test.request, positive: isPositiveType(test.type), isUpdate: true };
  return { ...origin, kind: 'update-evaluation', test };
}

/** Query evaluation, query syntax, result format, update syntax and update evaluation tests. */
export function planTests(): PlannedTest[] {
  const planned: PlannedTest[] = [];
  for (const suite of Object.keys(SUITES)) {
    // The federation tests name endpoints on example.org; a cluster would try to reach them.
    // They run in the in-memory harness, through the same HTTP SERVICE client, against local
    // endpoints, and the coordinator's SERVICE is tested end to end in test/e2e.
    if (suite === FEDERATION_SUITE) continue;
    for (const test of loadSuite(suite)) planned.push(fromQueryManifest(suite, test));
  }
  for (const path of UPDATE_SYNTAX_MANIFESTS) {
    for (const test of loadManifest(resolve(W3C_ROOT, path))) planned.push(fromQueryManifest(UPDATE_SYNTAX_SUITE, test));
  }
  for (const suite of UPDATE_SUITES) for (const test of loadUpdateSuite(suite)) planned.push(fromUpdateManifest(test));
  return planned;
}
