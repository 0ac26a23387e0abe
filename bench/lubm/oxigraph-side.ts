import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as oxigraph from 'oxigraph';
import type { BenchQuery } from './bench-queries';
import { measure, type QueryMeasurement } from './timing';

/** Reads an N-Triples file, gunzipping it when its name ends in .gz. */
export function readNTriples(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** An in-process Oxigraph store holding the file; load time in seconds (parse + insert). */
export function loadOxigraph(text: string): { store: oxigraph.Store; seconds: number } {
  const started = performance.now();
  const store = new oxigraph.Store();
  store.load(text, { format: 'application/n-triples' });
  return { store, seconds: Math.round(((performance.now() - started) / 1000) * 100) / 100 };
}

function countRows(store: oxigraph.Store, query: string): number {
  const result: unknown = store.query(query);
  if (Array.isArray(result)) return result.length;
  throw new Error('expected a SELECT result (an array of solutions)');
}

export async function measureOnOxigraph(
  store: oxigraph.Store,
  queries: BenchQuery[],
  runs: number,
  log: (line: string) => void,
): Promise<Record<string, QueryMeasurement>> {
  const out: Record<string, QueryMeasurement> = {};
  for (const q of queries) {
    try {
      out[q.name] = await measure(() => Promise.resolve(countRows(store, q.text)), runs);
    } catch (e) {
      out[q.name] = { medianMs: Number.NaN, rows: -1, runsMs: [], note: e instanceof Error ? e.message : String(e) };
    }
    log(`oxigraph ${q.name}: ${out[q.name]!.medianMs} ms, ${out[q.name]!.rows} rows`);
  }
  return out;
}
