import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { HttpTestOutcome, RunStatistics } from './run-http-tests';
import type { ConformanceSummary } from './summary';

export const REPORT_PATH = resolve(__dirname, '../../../reports/conformance.json');

export interface ConformanceReport {
  endpoint: string;
  ownCluster: boolean;
  startedAt: string;
  durationSeconds: number;
  baselinePassed?: number;
  summary: ConformanceSummary;
  statistics: RunStatistics;
  failures: Array<Pick<HttpTestOutcome, 'id' | 'manifest' | 'reason'>>;
  outcomes: HttpTestOutcome[];
}

export function writeReport(report: ConformanceReport, path = REPORT_PATH): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
