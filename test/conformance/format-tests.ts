import { serializeToString, type QueryResult } from '@quarry/sparql';

/** Serialises a SELECT result as CSV or TSV for the W3C result-format tests. */
export async function serializeForFormatTest(result: QueryResult, ext: string): Promise<string> {
  return serializeToString(result, ext === '.csv' ? 'text/csv' : 'text/tab-separated-values');
}

/**
 * Normalises CSV/TSV text for comparison: line endings, blank-node labels (renamed in order
 * of first appearance) and row order (the format tests do not fix one).
 */
export function normaliseTable(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const [header = '', ...rows] = lines;
  rows.sort();
  const labels = new Map<string, string>();
  return [header, ...rows].join('\n').replace(/_:[A-Za-z0-9_.-]+/g, (label) => {
    if (!labels.has(label)) labels.set(label, `_:b${labels.size}`);
    return labels.get(label)!;
  });
}
