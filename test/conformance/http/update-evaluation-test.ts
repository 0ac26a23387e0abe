import { readFileSync } from 'node:fs';
import { compareDatasets } from '../dataset-isomorphism';
import { fileIri } from '../rdf-files';
import type { UpdateTest } from '../update-tests';
import type { DatasetLoader } from './dataset-loader';
import type { SparqlHttpClient } from './sparql-http-client';
import { dumpStore } from './store-dump';
import { readDataset, type TestDataset } from './test-dataset';

type DatasetSpec = UpdateTest['before'];

function asTestDataset(spec: DatasetSpec): TestDataset {
  return { defaultGraphFiles: spec.data, namedGraphs: spec.graphData.map(({ file, name }) => ({ name, file })) };
}

/**
 * A W3C update evaluation test over HTTP: load the "before" dataset, send the update through
 * /update with the request file as base IRI, read the whole store back and compare it with
 * the "after" dataset. Returns a reason when it fails.
 */
export async function runUpdateEvaluationTest(test: UpdateTest, client: SparqlHttpClient, loader: DatasetLoader): Promise<string | undefined> {
  if (!test.request) return 'no request file';
  const text = readFileSync(test.request, 'utf8');
  await loader.load(asTestDataset(test.before));
  loader.invalidate();
  const answer = await client.update(`BASE <${fileIri(test.request)}>\n${text}`);
  if (answer.status < 200 || answer.status >= 300) return `HTTP ${answer.status}: ${answer.body.split('\n')[0]}`;
  return compareDatasets(await dumpStore(client), readDataset(asTestDataset(test.after)));
}
