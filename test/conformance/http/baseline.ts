import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConformanceSummary } from './summary';

export const BASELINE_PATH = resolve(__dirname, 'baseline.json');

/** The recorded floor: a run with fewer passing tests fails. */
export interface Baseline {
  passed: number;
  total: number;
  recordedAt: string;
}

export function readBaseline(path = BASELINE_PATH): Baseline | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as Baseline;
}

export function writeBaseline(summary: ConformanceSummary, path = BASELINE_PATH): Baseline {
  const baseline: Baseline = { passed: summary.passed, total: summary.total, recordedAt: new Date().toISOString() };
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
  return baseline;
}
