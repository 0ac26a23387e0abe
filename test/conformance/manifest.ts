import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Quad, Term } from '@quarry/sparql';
import { readRdfFile } from './rdf-files';

const MF = 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#';
const QT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-query#';
const DAWGT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

export interface ConformanceTest {
  iri: string;
  name: string;
  /** Local name of the test type, e.g. QueryEvaluationTest, NegativeSyntaxTest11. */
  type: string;
  manifest: string;
  queryFile?: string;
  dataFiles: string[];
  graphDataFiles: string[];
  resultFile?: string;
  /** Remote endpoints a federated query calls (qt:serviceData): endpoint IRI and its data. */
  serviceData: { endpoint: string; dataFiles: string[] }[];
}

/** Manifest triples indexed by subject for quick property lookups. */
class Graph {
  private readonly bySubject = new Map<string, Quad[]>();
  constructor(quads: Quad[]) {
    for (const q of quads) {
      const key = q.subject.value;
      const list = this.bySubject.get(key);
      if (list) list.push(q);
      else this.bySubject.set(key, [q]);
    }
  }
  objects(subject: Term, predicate: string): Term[] {
    return (this.bySubject.get(subject.value) ?? []).filter((q) => q.predicate.value === predicate).map((q) => q.object);
  }
  object(subject: Term, predicate: string): Term | undefined {
    return this.objects(subject, predicate)[0];
  }
  list(head: Term | undefined): Term[] {
    const out: Term[] = [];
    let node = head;
    while (node && node.value !== `${RDF_NS}nil`) {
      const first = this.object(node, `${RDF_NS}first`);
      if (first) out.push(first);
      node = this.object(node, `${RDF_NS}rest`);
    }
    return out;
  }
  subjectsOfType(type: string): Term[] {
    const out: Term[] = [];
    for (const quads of this.bySubject.values()) {
      for (const q of quads) if (q.predicate.value === `${RDF_NS}type` && q.object.value === type) out.push(q.subject);
    }
    return out;
  }
}

function localPath(iri: Term | undefined): string | undefined {
  return iri && iri.value.startsWith('file:') ? fileURLToPath(iri.value) : undefined;
}

/** Loads a manifest and the manifests it includes, returning every non-withdrawn test. */
export function loadManifest(path: string, seen = new Set<string>()): ConformanceTest[] {
  const abs = resolve(path);
  if (seen.has(abs)) return [];
  seen.add(abs);
  const graph = new Graph(readRdfFile(abs));
  const tests: ConformanceTest[] = [];
  for (const manifest of graph.subjectsOfType(`${MF}Manifest`)) {
    for (const inc of graph.list(graph.object(manifest, `${MF}include`))) {
      const incPath = localPath(inc);
      if (incPath) tests.push(...loadManifest(incPath, seen));
    }
    for (const entry of graph.list(graph.object(manifest, `${MF}entries`))) {
      const test = readTest(graph, entry, abs);
      if (test) tests.push(test);
    }
  }
  return tests;
}

function readTest(graph: Graph, entry: Term, manifest: string): ConformanceTest | undefined {
  const approval = graph.object(entry, `${DAWGT}approval`)?.value;
  if (approval === `${DAWGT}Withdrawn` || approval === `${DAWGT}Rejected`) return undefined;
  const type = graph.object(entry, `${RDF_NS}type`)?.value.replace(MF, '') ?? 'unknown';
  const action = graph.object(entry, `${MF}action`);
  const isNodeAction = action?.termType === 'BlankNode';
  return {
    iri: entry.value,
    name: graph.object(entry, `${MF}name`)?.value ?? entry.value,
    type,
    manifest: dirname(manifest),
    queryFile: isNodeAction ? localPath(graph.object(action, `${QT}query`)) : localPath(action),
    dataFiles: isNodeAction ? graph.objects(action, `${QT}data`).map(localPath).filter(isString) : [],
    graphDataFiles: isNodeAction ? graph.objects(action, `${QT}graphData`).map(localPath).filter(isString) : [],
    resultFile: localPath(graph.object(entry, `${MF}result`)),
    serviceData: isNodeAction
      ? graph.objects(action, `${QT}serviceData`).map((sd) => ({
          endpoint: graph.object(sd, `${QT}endpoint`)?.value ?? '',
          dataFiles: graph.objects(sd, `${QT}data`).map(localPath).filter(isString),
        }))
      : [],
  };
}

function isString(x: string | undefined): x is string {
  return x !== undefined;
}
