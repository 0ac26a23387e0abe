import { existsSync, readFileSync } from 'node:fs';
import { extname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  collectBindings,
  collectQuads,
  factory,
  InMemoryQuadSource,
  parseUpdate,
  QueryEngine,
  translateQuery,
  parseQuery,
  httpServiceHandler,
  type QueryResult,
  type QuadSource,
  type ServiceHandler,
} from '@quarry/sparql';
import { TestSparqlEndpoint } from '../support/sparql-endpoint';
import { compareResults } from './compare-results';
import { readExpected, type ResultSet, type Row } from './expected-results';
import { loadManifest, type ConformanceTest } from './manifest';
import { fileIri, readRdfFile } from './rdf-files';
import { normaliseTable, serializeForFormatTest } from './format-tests';

export const W3C_ROOT = resolve(__dirname, '../../../shared/conformance/w3c');

export const SUITES: Record<string, string> = {
  'sparql10-evaluation': 'sparql10/manifest-evaluation.ttl',
  'sparql10-syntax': 'sparql10/manifest-syntax.ttl',
  'sparql11-query': 'sparql11/manifest-sparql11-query.ttl',
  'sparql11-results': 'sparql11/manifest-sparql11-results.ttl',
  'sparql11-syntax-fed': 'sparql11/syntax-fed/manifest.ttl',
  'sparql11-service': 'sparql11/service/manifest.ttl',
};

export interface TestOutcome {
  suite: string;
  manifest: string;
  iri: string;
  passed: boolean;
  reason?: string;
}

const TEST_TIMEOUT_MS = 5_000;

/** A readable test id: path relative to the W3C root plus the fragment. */
export function testId(iri: string): string {
  const [file = '', fragment = ''] = iri.split('#');
  const path = file.startsWith('file:') ? relative(W3C_ROOT, fileURLToPath(file)) : file;
  return fragment ? `${path}#${fragment}` : path;
}

function isSyntaxTest(type: string): boolean {
  return /SyntaxTest/.test(type);
}

async function runSyntaxTest(test: ConformanceTest): Promise<string | undefined> {
  if (!test.queryFile) return 'no query file';
  const text = readFileSync(test.queryFile, 'utf8');
  const positive = test.type.startsWith('Positive');
  const isUpdate = test.type.includes('Update');
  try {
    if (isUpdate) parseUpdate(text, { baseIri: fileIri(test.queryFile) });
    else translateQuery(parseQuery(text, { baseIri: fileIri(test.queryFile) }));
  } catch (e) {
    return positive ? `rejected: ${(e as Error).message.split('\n')[0]}` : undefined;
  }
  return positive ? undefined : 'accepted an invalid query';
}

function loadStore(test: ConformanceTest, extraGraphs: string[]): InMemoryQuadSource {
  const store = new InMemoryQuadSource();
  for (const file of test.dataFiles) store.addAll(readRdfFile(file));
  const named = new Set([...test.graphDataFiles.map(fileIri), ...extraGraphs]);
  for (const iri of named) {
    if (!iri.startsWith('file:')) continue;
    const path = fileURLToPath(iri);
    if (!existsSync(path)) continue;
    const g = factory.namedNode(iri);
    for (const q of readRdfFile(path)) store.add(factory.quad(q.subject, q.predicate, q.object, g));
  }
  return store;
}

async function toResultSet(result: QueryResult): Promise<ResultSet> {
  switch (result.type) {
    case 'boolean':
      return { kind: 'boolean', value: result.value };
    case 'quads':
      return { kind: 'graph', quads: await collectQuads(result) };
    case 'bindings': {
      const rows: Row[] = (await collectBindings(result)).map((b) => new Map(b));
      return { kind: 'bindings', variables: result.variables, rows };
    }
  }
}

/** What the queries run against: the loaded in-memory store, or a view of it (e.g. partitioned). */
export type SourceFactory = (store: InMemoryQuadSource) => QuadSource;

async function runEvaluationTest(test: ConformanceTest, sourceFor: SourceFactory): Promise<string | undefined> {
  if (!test.queryFile || !test.resultFile) return 'missing query or result file';
  const text = readFileSync(test.queryFile, 'utf8');
  const baseIri = fileIri(test.queryFile);
  const engine = new QueryEngine(new InMemoryQuadSource());
  const algebra = engine.prepare(text, { baseIri });
  const extra = algebra.dataset ? [...algebra.dataset.defaultGraphs, ...algebra.dataset.namedGraphs].map((g) => g.value) : [];
  const store = loadStore(test, extra);
  const endpoints = await startServiceEndpoints(test);
  try {
    const result = await new QueryEngine(sourceFor(store)).query(algebra, { baseIri, signal: AbortSignal.timeout(TEST_TIMEOUT_MS), serviceHandler: endpoints.handler });
    return await checkResult(test.resultFile, result, algebra.ordered);
  } finally {
    await endpoints.stop();
  }
}

/**
 * The test's remote endpoints (qt:serviceData) as local HTTP endpoints, each able to call the
 * others; SERVICE reaches only these, so an "invalid" endpoint fails without leaving the host.
 */
async function startServiceEndpoints(test: ConformanceTest): Promise<{ handler: ServiceHandler; stop: () => Promise<void> }> {
  const urls = new Map<string, string>();
  const handler = httpServiceHandler({
    allow: test.serviceData.map((s) => s.endpoint),
    resolveUrl: (iri) => urls.get(iri) ?? iri,
    timeoutMs: TEST_TIMEOUT_MS,
    maxResponseBytes: 1 << 20,
  });
  const servers = test.serviceData.map((s) => ({ iri: s.endpoint, server: new TestSparqlEndpoint(s.dataFiles.flatMap((f) => readRdfFile(f)), handler) }));
  for (const { iri, server } of servers) urls.set(iri, await server.start());
  return { handler, stop: async () => void (await Promise.all(servers.map((s) => s.server.stop()))) };
}

async function checkResult(resultFile: string, result: QueryResult, ordered: boolean): Promise<string | undefined> {
  const ext = extname(resultFile);
  if (ext === '.csv' || ext === '.tsv') {
    const actual = await serializeForFormatTest(result, ext);
    const expected = readFileSync(resultFile, 'utf8');
    return normaliseTable(actual) === normaliseTable(expected) ? undefined : `${ext} output differs`;
  }
  const actual = await toResultSet(result);
  return compareResults(actual, readExpected(resultFile), ordered);
}

const SKIPPED_TYPES = /Update|Protocol|ServiceDescription|Entailment/;

export async function runTest(suite: string, test: ConformanceTest, sourceFor: SourceFactory = (s) => s): Promise<TestOutcome> {
  const base = { suite, manifest: relative(W3C_ROOT, test.manifest), iri: testId(test.iri) };
  try {
    const reason = isSyntaxTest(test.type) ? await runSyntaxTest(test) : await runEvaluationTest(test, sourceFor);
    return { ...base, passed: reason === undefined, reason };
  } catch (e) {
    return { ...base, passed: false, reason: `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}` };
  }
}

export function loadSuite(suite: string): ConformanceTest[] {
  const path = SUITES[suite];
  if (!path) throw new Error(`unknown suite ${suite}`);
  return loadManifest(resolve(W3C_ROOT, path)).filter((t) => !SKIPPED_TYPES.test(t.type) || /SyntaxTest/.test(t.type));
}

export async function runSuites(suites = Object.keys(SUITES), sourceFor?: SourceFactory): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  for (const suite of suites) for (const test of loadSuite(suite)) outcomes.push(await runTest(suite, test, sourceFor));
  return outcomes;
}

/** Per-manifest and per-suite pass counts as printable lines. */
export function summarise(outcomes: TestOutcome[]): string[] {
  const lines: string[] = [];
  const bySuite = new Map<string, TestOutcome[]>();
  for (const o of outcomes) bySuite.set(o.suite, [...(bySuite.get(o.suite) ?? []), o]);
  for (const [suite, list] of bySuite) {
    const byManifest = new Map<string, TestOutcome[]>();
    for (const o of list) byManifest.set(o.manifest, [...(byManifest.get(o.manifest) ?? []), o]);
    for (const [manifest, ms] of byManifest) {
      lines.push(`  ${manifest}: ${ms.filter((o) => o.passed).length}/${ms.length}`);
    }
    lines.push(`${suite}: ${list.filter((o) => o.passed).length}/${list.length} passed`);
  }
  lines.push(`total: ${outcomes.filter((o) => o.passed).length}/${outcomes.length} passed`);
  return lines;
}
