import { factory, type Quad } from '@quarry/sparql';
import { readRdfFile } from '../rdf-files';

/** The RDF dataset a test starts from: files for the default graph and files for named graphs. */
export interface TestDataset {
  defaultGraphFiles: string[];
  namedGraphs: Array<{ name: string; file: string }>;
}

export const EMPTY_DATASET: TestDataset = { defaultGraphFiles: [], namedGraphs: [] };

/** Equal for datasets built from the same files under the same names. */
export function datasetKey(dataset: TestDataset): string {
  const named = dataset.namedGraphs.map((g) => `${g.name}=${g.file}`).sort();
  return JSON.stringify([[...dataset.defaultGraphFiles].sort(), named]);
}

/** Parses every file of the dataset (IRIs resolved against each file) into quads. */
export function readDataset(dataset: TestDataset): Quad[] {
  const quads: Quad[] = [];
  for (const file of dataset.defaultGraphFiles) quads.push(...readRdfFile(file));
  for (const { name, file } of dataset.namedGraphs) {
    const graph = factory.namedNode(name);
    for (const q of readRdfFile(file)) quads.push(factory.quad(q.subject, q.predicate, q.object, graph));
  }
  return quads;
}
