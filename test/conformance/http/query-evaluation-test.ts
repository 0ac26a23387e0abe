import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareResults } from '../compare-results';
import { readExpected } from '../expected-results';
import { normaliseTable } from '../format-tests';
import type { ConformanceTest } from '../manifest';
import { fileIri } from '../rdf-files';
import type { DatasetLoader } from './dataset-loader';
import { queryShape } from './query-shape';
import { decodeResult } from './result-decoding';
import { RESULTS_ACCEPT, type SparqlHttpClient } from './sparql-http-client';
import type { TestDataset } from './test-dataset';

const TABLE_MEDIA_TYPES: Record<string, string> = { '.csv': 'text/csv', '.tsv': 'text/tab-separated-values' };

/** qt:data in the default graph; qt:graphData and local FROM / FROM NAMED files as named graphs. */
function datasetOf(test: ConformanceTest, datasetGraphs: string[]): TestDataset {
  const named = new Map<string, string>();
  for (const file of test.graphDataFiles) named.set(fileIri(file), file);
  for (const iri of datasetGraphs) {
    if (!iri.startsWith('file:') || named.has(iri)) continue;
    const file = fileURLToPath(iri);
    if (existsSync(file)) named.set(iri, file);
  }
  return { defaultGraphFiles: test.dataFiles, namedGraphs: [...named].map(([name, file]) => ({ name, file })) };
}

/**
 * A W3C query evaluation (or result format) test over HTTP: load its data, send the query
 * with the query file as base IRI, compare the answer. Returns a reason when it fails.
 */
export async function runQueryEvaluationTest(test: ConformanceTest, client: SparqlHttpClient, loader: DatasetLoader): Promise<string | undefined> {
  if (!test.queryFile || !test.resultFile) return 'missing query or result file';
  const text = readFileSync(test.queryFile, 'utf8');
  const baseIri = fileIri(test.queryFile);
  const shape = queryShape(text, baseIri);
  await loader.load(datasetOf(test, shape.datasetGraphs));
  const ext = extname(test.resultFile);
  const tableType = TABLE_MEDIA_TYPES[ext];
  const answer = await client.query(`BASE <${baseIri}>\n${text}`, tableType ?? RESULTS_ACCEPT);
  if (answer.status !== 200) return `HTTP ${answer.status}: ${answer.body.split('\n')[0]}`;
  if (tableType) {
    const expected = readFileSync(test.resultFile, 'utf8');
    return normaliseTable(answer.body) === normaliseTable(expected) ? undefined : `${ext} output differs`;
  }
  return compareResults(decodeResult(answer), readExpected(test.resultFile), shape.ordered);
}
