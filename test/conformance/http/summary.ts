import type { HttpTestOutcome, TestStatus } from './run-http-tests';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The shape of the last stdout line with --json. */
export interface ConformanceSummary extends Counts {
  total: number;
  byManifest: Record<string, Counts>;
}

function emptyCounts(): Counts {
  return { passed: 0, failed: 0, skipped: 0 };
}

function bump(counts: Counts, status: TestStatus): void {
  counts[status]++;
}

export function summarise(outcomes: HttpTestOutcome[]): ConformanceSummary {
  const totals = emptyCounts();
  const byManifest: Record<string, Counts> = {};
  for (const o of outcomes) {
    bump(totals, o.status);
    bump((byManifest[o.manifest] ??= emptyCounts()), o.status);
  }
  return { passed: totals.passed, failed: totals.failed, skipped: totals.skipped, total: outcomes.length, byManifest };
}

/** Per suite: per-manifest lines, then the suite's total; then the grand total. */
export function summaryLines(outcomes: HttpTestOutcome[]): string[] {
  const lines: string[] = [];
  const suites = [...new Set(outcomes.map((o) => o.suite))];
  const line = (label: string, list: HttpTestOutcome[]): string => {
    const c = summarise(list);
    return `${label}: ${c.passed}/${c.total} passed, ${c.failed} failed, ${c.skipped} skipped`;
  };
  for (const suite of suites) {
    const inSuite = outcomes.filter((o) => o.suite === suite);
    for (const manifest of new Set(inSuite.map((o) => o.manifest))) {
      lines.push(
        `  ${line(
          manifest,
          inSuite.filter((o) => o.manifest === manifest),
        )}`,
      );
    }
    lines.push(line(suite, inSuite));
  }
  lines.push(line('total', outcomes));
  return lines;
}
