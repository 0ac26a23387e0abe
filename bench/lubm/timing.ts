/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface QueryMeasurement {
  medianMs: number;
  rows: number;
  /** Every timed run in milliseconds. */
  runsMs: number[];
  /** Why the query was not measured fully (timeout, error, too slow to repeat). */
  note?: string;
}

/** Beyond this a query is timed once more instead of `runs` times, to keep the run bounded. */
export const SLOW_QUERY_MS = 30_000;

/**
 * One warm-up run, then `runs` timed runs (fewer when the warm-up is already slower than
 * SLOW_QUERY_MS). `execute` returns the row count.
 */
export async function measure(execute: () => Promise<number>, runs: number): Promise<QueryMeasurement> {
  const warmStart = performance.now();
  const rows = await execute();
  const warmMs = performance.now() - warmStart;
  const timed = warmMs > SLOW_QUERY_MS ? 1 : runs;
  const runsMs: number[] = [];
  for (let i = 0; i < timed; i++) {
    const start = performance.now();
    const n = await execute();
    runsMs.push(performance.now() - start);
    if (n !== rows) throw new Error(`row count changed between runs: ${rows} then ${n}`);
  }
  const note = timed < runs ? `warm-up took ${Math.round(warmMs)} ms (> ${SLOW_QUERY_MS} ms): timed once` : undefined;
  return { medianMs: Math.round(median(runsMs) * 100) / 100, rows, runsMs: runsMs.map((ms) => Math.round(ms * 100) / 100), note };
}
