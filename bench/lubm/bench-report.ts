import type { QueryMeasurement } from './timing';

export interface SystemResult {
  loadSeconds: number;
  queries: Record<string, QueryMeasurement>;
}

/** The last stdout line: medians and row counts per system. */
export interface BenchJson {
  quarry: { loadSeconds: number; queries: Record<string, { medianMs: number; rows: number }> };
  oxigraph: { loadSeconds: number; queries: Record<string, { medianMs: number; rows: number }> };
}

function compact(result: SystemResult): BenchJson['quarry'] {
  const queries: Record<string, { medianMs: number; rows: number }> = {};
  for (const [name, m] of Object.entries(result.queries)) queries[name] = { medianMs: m.medianMs, rows: m.rows };
  return { loadSeconds: result.loadSeconds, queries };
}

export function benchJson(quarry: SystemResult, oxigraph: SystemResult): BenchJson {
  return { quarry: compact(quarry), oxigraph: compact(oxigraph) };
}

/** Queries whose row count on Quarry differs from Oxigraph's (or that failed on either). */
export function rowMismatches(quarry: SystemResult, oxigraph: SystemResult): string[] {
  const out: string[] = [];
  for (const [name, ox] of Object.entries(oxigraph.queries)) {
    const q = quarry.queries[name];
    if (!q || q.rows !== ox.rows || ox.rows < 0) out.push(`${name}: quarry ${q?.rows ?? 'missing'} rows, oxigraph ${ox.rows}${q?.note ? ` (${q.note})` : ''}`);
  }
  return out;
}

const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}x` : '-');

/** A fixed-width table: per query both medians, the ratio and both row counts. */
export function comparisonTable(quarry: SystemResult, oxigraph: SystemResult): string[] {
  const names = Object.keys(oxigraph.queries);
  const width = Math.max(10, ...names.map((n) => n.length));
  const lines = [
    `${'query'.padEnd(width)}  ${'quarry ms'.padStart(10)}  ${'oxigraph ms'.padStart(11)}  ${'ratio'.padStart(8)}  ${'quarry rows'.padStart(11)}  ${'oxigraph rows'.padStart(13)}`,
  ];
  for (const name of names) {
    const q = quarry.queries[name];
    const o = oxigraph.queries[name]!;
    const mark = q?.rows === o.rows ? '' : '  ROW COUNT DIFFERS';
    lines.push(
      `${name.padEnd(width)}  ${String(q?.medianMs ?? '-').padStart(10)}  ${String(o.medianMs).padStart(11)}  ${ratio(q?.medianMs ?? Number.NaN, o.medianMs).padStart(8)}  ${String(q?.rows ?? '-').padStart(11)}  ${String(o.rows).padStart(13)}${mark}`,
    );
  }
  lines.push(
    `${'load (s)'.padEnd(width)}  ${String(quarry.loadSeconds).padStart(10)}  ${String(oxigraph.loadSeconds).padStart(11)}  ${ratio(quarry.loadSeconds, oxigraph.loadSeconds).padStart(8)}`,
  );
  return lines;
}
