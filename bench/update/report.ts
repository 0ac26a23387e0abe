import { round } from '../raft/stats';
import { summarize, type PhaseResult } from './phase';

/** The last stdout line (issue 7's output contract). null: not measured in this run. */
export interface UpdateBenchJson {
  quarry: {
    singleP50Ms: number | null;
    singleP99Ms: number | null;
    crossP50Ms: number | null;
    crossP99Ms: number | null;
    updatesPerSec: number | null;
    sagaTps: number | null;
    loaderTps: number | null;
  };
  oxigraph: { singleP50Ms: number | null; singleP99Ms: number | null; updatesPerSec: number | null };
}

export interface UpdateBenchFigures {
  quarrySingle?: PhaseResult;
  quarryCross?: PhaseResult;
  oxigraphSingle?: PhaseResult;
  loaderTps?: number;
  sagaTps?: number;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Updates per second over the phases together: all measured updates over all measured time. */
export function updatesPerSec(...phases: PhaseResult[]): number | null {
  const n = phases.reduce((a, p) => a + p.samples.length, 0);
  const s = phases.reduce((a, p) => a + p.seconds, 0);
  return n > 0 && s > 0 ? round(n / s, 1) : null;
}

export function benchJson(f: UpdateBenchFigures): UpdateBenchJson {
  const single = f.quarrySingle ? summarize(f.quarrySingle.samples) : undefined;
  const cross = f.quarryCross ? summarize(f.quarryCross.samples) : undefined;
  const ox = f.oxigraphSingle ? summarize(f.oxigraphSingle.samples) : undefined;
  return {
    quarry: {
      singleP50Ms: finite(single?.p50Ms ?? Number.NaN),
      singleP99Ms: finite(single?.p99Ms ?? Number.NaN),
      crossP50Ms: finite(cross?.p50Ms ?? Number.NaN),
      crossP99Ms: finite(cross?.p99Ms ?? Number.NaN),
      updatesPerSec: updatesPerSec(...[f.quarrySingle, f.quarryCross].filter((p): p is PhaseResult => p !== undefined)),
      sagaTps: f.sagaTps ?? null,
      loaderTps: f.loaderTps ?? null,
    },
    oxigraph: {
      singleP50Ms: finite(ox?.p50Ms ?? Number.NaN),
      singleP99Ms: finite(ox?.p99Ms ?? Number.NaN),
      updatesPerSec: f.oxigraphSingle ? updatesPerSec(f.oxigraphSingle) : null,
    },
  };
}

/** The issue's two targets, each met / NOT met / not measured, with the ratio. */
export function targetLines(j: UpdateBenchJson): string[] {
  const q = j.quarry;
  const crossRatio = q.crossP99Ms !== null && q.singleP99Ms !== null && q.singleP99Ms > 0 ? q.crossP99Ms / q.singleP99Ms : null;
  const sagaRatio = q.sagaTps !== null && q.loaderTps !== null && q.loaderTps > 0 ? q.sagaTps / q.loaderTps : null;
  const verdict = (ok: boolean | null): string => (ok === null ? 'not measured' : ok ? 'met' : 'NOT met');
  return [
    `target: cross-region p99 < 4x single-region p99: ${crossRatio === null ? '-' : `${q.crossP99Ms} / ${q.singleP99Ms} ms = ${crossRatio.toFixed(2)}x`}: ${verdict(crossRatio === null ? null : crossRatio < 4)}`,
    `target: saga load ≥ 0.8x the loader: ${sagaRatio === null ? `saga ${q.sagaTps ?? 'n/a'}, loader ${q.loaderTps ?? 'n/a'} quads/s` : `${q.sagaTps} / ${q.loaderTps} quads/s = ${sagaRatio.toFixed(2)}x`}: ${verdict(sagaRatio === null ? null : sagaRatio >= 0.8)}`,
  ];
}
