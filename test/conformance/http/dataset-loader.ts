import { Writer } from 'n3';
import type { Quad } from '@quarry/sparql';
import { expectSuccess, type SparqlHttpClient } from './sparql-http-client';
import { datasetKey, readDataset, type TestDataset } from './test-dataset';

const DEFAULT_GRAPH = '';

function groupByGraph(quads: Quad[]): Map<string, Quad[]> {
  const groups = new Map<string, Quad[]>();
  for (const q of quads) {
    const name = q.graph.termType === 'DefaultGraph' ? DEFAULT_GRAPH : q.graph.value;
    groups.set(name, [...(groups.get(name) ?? []), q]);
  }
  return groups;
}

function nTriples(quads: Quad[]): string {
  const writer = new Writer({ format: 'N-Triples' });
  return quads.map((q) => writer.quadToString(q.subject, q.predicate, q.object)).join('');
}

/** `DROP ALL ; INSERT DATA { ... GRAPH <g> { ... } }`: one request, one atomic change. */
function replaceAllUpdate(groups: Map<string, Quad[]>): string {
  const blocks: string[] = [];
  for (const [name, quads] of groups) {
    const triples = nTriples(quads);
    blocks.push(name === DEFAULT_GRAPH ? triples : `GRAPH <${name}> {\n${triples}}\n`);
  }
  return blocks.length === 0 ? 'DROP ALL' : `DROP ALL ;\nINSERT DATA {\n${blocks.join('')}}`;
}

/**
 * Puts a test's dataset into the store, replacing everything. Skips the work when the store
 * already holds exactly that dataset (consecutive tests often share their data files).
 */
export class DatasetLoader {
  private loadedKey: string | undefined;
  /** How many times the store was actually reloaded, and how often that was skipped. */
  loads = 0;
  reuses = 0;

  constructor(private readonly client: SparqlHttpClient) {}

  /** Forget what is loaded: the next load always writes (call after anything that may change the store). */
  invalidate(): void {
    this.loadedKey = undefined;
  }

  async load(dataset: TestDataset): Promise<void> {
    const key = datasetKey(dataset);
    if (key === this.loadedKey) {
      this.reuses++;
      return;
    }
    this.loadedKey = undefined;
    const groups = groupByGraph(readDataset(dataset));
    const answer = await this.client.update(replaceAllUpdate(groups));
    // Some data has terms SPARQL syntax cannot carry as written; the Graph Store takes N-Triples as is.
    if (answer.status === 400) await this.loadThroughGraphStore(groups);
    else expectSuccess(answer, 'loading the test data with INSERT DATA');
    this.loads++;
    this.loadedKey = key;
  }

  private async loadThroughGraphStore(groups: Map<string, Quad[]>): Promise<void> {
    expectSuccess(await this.client.update('DROP ALL'), 'DROP ALL');
    for (const [name, quads] of groups) {
      const answer = await this.client.putGraph(name === DEFAULT_GRAPH ? undefined : name, nTriples(quads));
      expectSuccess(answer, `Graph Store PUT of ${name || 'the default graph'}`);
    }
  }
}
