import type { BenchQuery } from './bench-queries';
import { measure, type QueryMeasurement } from './timing';

/** Server-side limit asked for with the protocol's `timeout` parameter (seconds). */
const SERVER_TIMEOUT_S = 120;

interface SparqlJsonResults {
  results?: { bindings?: unknown[] };
  boolean?: boolean;
}

/** Runs a SELECT over the SPARQL Protocol and returns how many solutions came back. */
async function countRows(endpoint: string, query: string): Promise<number> {
  const url = `${endpoint}?timeout=${SERVER_TIMEOUT_S}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
    body: query,
    signal: AbortSignal.timeout((SERVER_TIMEOUT_S + 10) * 1000),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${body.split('\n')[0]}`);
  return ((JSON.parse(body) as SparqlJsonResults).results?.bindings ?? []).length;
}

/** Warm runs of every query against the cluster; a failing query gets rows -1 and a note. */
export async function measureOnCluster(
  endpoint: string,
  queries: BenchQuery[],
  runs: number,
  log: (line: string) => void,
): Promise<Record<string, QueryMeasurement>> {
  const out: Record<string, QueryMeasurement> = {};
  for (const q of queries) {
    try {
      out[q.name] = await measure(() => countRows(endpoint, q.text), runs);
    } catch (e) {
      out[q.name] = { medianMs: Number.NaN, rows: -1, runsMs: [], note: e instanceof Error ? e.message : String(e) };
    }
    log(`quarry   ${q.name}: ${out[q.name]!.medianMs} ms, ${out[q.name]!.rows} rows${out[q.name]!.note ? ` (${out[q.name]!.note})` : ''}`);
  }
  return out;
}
