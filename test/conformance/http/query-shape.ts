import { InMemoryQuadSource, QueryEngine } from '@quarry/sparql';

/** What the harness needs to know about a query before sending it. */
export interface QueryShape {
  /** ORDER BY present: solution order is part of the expected result. */
  ordered: boolean;
  /** IRIs named in FROM / FROM NAMED. */
  datasetGraphs: string[];
}

/**
 * Parses the query locally (parser only, no data) for its ORDER BY and FROM clauses. A query
 * the local parser rejects is still sent: the server's verdict is what the test measures.
 */
export function queryShape(text: string, baseIri: string): QueryShape {
  try {
    const algebra = new QueryEngine(new InMemoryQuadSource()).prepare(text, { baseIri });
    const dataset = algebra.dataset;
    const datasetGraphs = dataset ? [...dataset.defaultGraphs, ...dataset.namedGraphs].map((g) => g.value) : [];
    return { ordered: algebra.ordered, datasetGraphs };
  } catch {
    return { ordered: false, datasetGraphs: [] };
  }
}
