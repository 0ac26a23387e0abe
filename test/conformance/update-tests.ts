import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateUpdate, factory, InMemoryQuadSource, parseUpdate, type Quad, type Term } from '@quarry/sparql';
import { compareDatasets } from './dataset-isomorphism';
import { fileIri, readRdfFile } from './rdf-files';
import { testId, W3C_ROOT } from './run-conformance';

/** The W3C SPARQL 1.1 Update manifests run against InMemoryQuadSource. */
export const UPDATE_SUITES = [
  'basic-update',
  'delete-data',
  'delete-insert',
  'delete-where',
  'delete',
  'add',
  'copy',
  'move',
  'clear',
  'drop',
  'update-silent',
];

const MF = 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#';
const UT = 'http://www.w3.org/2009/sparql/tests/test-update#';
const DAWGT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';
const TEST_TIMEOUT_MS = 5_000;

/** A dataset state in a manifest: default-graph files and (file, graph name) pairs. */
interface DatasetSpec {
  data: string[];
  graphData: Array<{ file: string; name: string }>;
}

export interface UpdateTest {
  iri: string;
  suite: string;
  type: string;
  request?: string;
  before: DatasetSpec;
  after: DatasetSpec;
}

export interface UpdateOutcome {
  suite: string;
  iri: string;
  passed: boolean;
  reason?: string;
}

function objects(quads: Quad[], subject: Term, predicate: string): Term[] {
  return quads.filter((q) => q.subject.equals(subject) && q.predicate.value === predicate).map((q) => q.object);
}

function list(quads: Quad[], head: Term | undefined): Term[] {
  const out: Term[] = [];
  for (let node = head; node && node.value !== `${RDF_NS}nil`; node = objects(quads, node, `${RDF_NS}rest`)[0]) {
    out.push(...objects(quads, node, `${RDF_NS}first`));
  }
  return out;
}

function path(t: Term): string {
  return fileURLToPath(t.value);
}

function datasetSpec(quads: Quad[], node: Term | undefined): DatasetSpec {
  if (!node) return { data: [], graphData: [] };
  return {
    data: objects(quads, node, `${UT}data`).map(path),
    graphData: objects(quads, node, `${UT}graphData`).map((gd) => ({
      file: path(objects(quads, gd, `${UT}graph`)[0]!),
      name: objects(quads, gd, RDFS_LABEL)[0]?.value ?? objects(quads, gd, `${UT}graph`)[0]!.value,
    })),
  };
}

export function loadUpdateSuite(suite: string): UpdateTest[] {
  const manifest = resolve(W3C_ROOT, 'sparql11', suite, 'manifest.ttl');
  const quads = readRdfFile(manifest);
  const head = quads.find((q) => q.predicate.value === `${MF}entries`)?.object;
  const tests: UpdateTest[] = [];
  for (const entry of list(quads, head)) {
    const approval = objects(quads, entry, `${DAWGT}approval`)[0]?.value;
    if (approval === `${DAWGT}Withdrawn` || approval === `${DAWGT}Rejected`) continue;
    const type = objects(quads, entry, `${RDF_NS}type`)[0]?.value.replace(MF, '') ?? 'unknown';
    const action = objects(quads, entry, `${MF}action`)[0];
    const isNode = action?.termType === 'BlankNode';
    const request = isNode ? objects(quads, action, `${UT}request`)[0] : action;
    tests.push({
      iri: entry.value,
      suite,
      type,
      request: request ? path(request) : undefined,
      before: datasetSpec(quads, isNode ? action : undefined),
      after: datasetSpec(quads, objects(quads, entry, `${MF}result`)[0]),
    });
  }
  return tests;
}

function buildDataset(spec: DatasetSpec): Quad[] {
  const out: Quad[] = [];
  for (const file of spec.data) out.push(...readRdfFile(file));
  for (const { file, name } of spec.graphData) {
    const g = factory.namedNode(name);
    for (const q of readRdfFile(file)) out.push(factory.quad(q.subject, q.predicate, q.object, g));
  }
  return out;
}

async function runOne(test: UpdateTest): Promise<string | undefined> {
  if (!test.request) return 'no request file';
  const text = readFileSync(test.request, 'utf8');
  const baseIri = fileIri(test.request);
  if (test.type.includes('Syntax')) {
    const positive = test.type.startsWith('Positive');
    try {
      parseUpdate(text, { baseIri });
    } catch (e) {
      return positive ? `rejected: ${(e as Error).message.split('\n')[0]}` : undefined;
    }
    return positive ? undefined : 'accepted an invalid update';
  }
  const store = new InMemoryQuadSource(buildDataset(test.before));
  const change = await evaluateUpdate(parseUpdate(text, { baseIri }), store, { baseIri, signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
  for (const q of change.deletes) store.delete(q);
  for (const q of change.inserts) store.add(q);
  return compareDatasets([...store.matchSync({})], buildDataset(test.after));
}

export async function runUpdateSuites(suites = UPDATE_SUITES): Promise<UpdateOutcome[]> {
  const outcomes: UpdateOutcome[] = [];
  for (const suite of suites) {
    for (const test of loadUpdateSuite(suite)) {
      const base = { suite, iri: testId(test.iri) };
      try {
        const reason = await runOne(test);
        outcomes.push({ ...base, passed: reason === undefined, reason });
      } catch (e) {
        outcomes.push({ ...base, passed: false, reason: `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}` });
      }
    }
  }
  return outcomes;
}

export function summariseUpdates(outcomes: UpdateOutcome[]): string[] {
  const lines: string[] = [];
  for (const suite of new Set(outcomes.map((o) => o.suite))) {
    const list = outcomes.filter((o) => o.suite === suite);
    lines.push(`  ${suite}: ${list.filter((o) => o.passed).length}/${list.length}`);
  }
  lines.push(`update total: ${outcomes.filter((o) => o.passed).length}/${outcomes.length} passed`);
  return lines;
}
