import { percentile, round } from '../raft/stats';
import type { BenchUpdate, Operation } from './workload';

/** One timed update. */
export interface Sample {
  op: Operation;
  ms: number;
}

export interface PhaseResult {
  /** Updates started after the warm-up that succeeded. */
  samples: Sample[];
  /** From the end of the warm-up to the last measured update's completion. */
  seconds: number;
  /** Failed updates (after the warm-up) by first line of the error message. */
  errors: Map<string, number>;
}

export interface PhaseOptions {
  clients: number;
  warmupMs: number;
  measureMs: number;
}

/**
 * `clients` closed-loop clients, each running its next update as soon as the previous one
 * answered, for warm-up + measure milliseconds. `execute(client, update)` runs one update; only
 * its own duration is timed. Every client yields to the event loop between updates, so an
 * in-process synchronous store (Oxigraph) is driven round-robin by the same 16 clients.
 */
export async function runPhase(
  options: PhaseOptions,
  nextUpdate: (client: number) => BenchUpdate,
  execute: (client: number, update: BenchUpdate) => Promise<void>,
): Promise<PhaseResult> {
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const end = measureFrom + options.measureMs;
  const samples: Sample[] = [];
  const errors = new Map<string, number>();
  let lastDone = measureFrom;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      while (performance.now() < end) {
        const update = nextUpdate(client);
        const t0 = performance.now();
        let error: string | undefined;
        try {
          await execute(client, update);
        } catch (e) {
          error = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
        }
        const t1 = performance.now();
        if (t0 >= measureFrom) {
          lastDone = Math.max(lastDone, t1);
          if (error === undefined) samples.push({ op: update.op, ms: t1 - t0 });
          else errors.set(error, (errors.get(error) ?? 0) + 1);
        }
        await new Promise<void>((r) => setImmediate(r));
      }
    }),
  );
  return { samples, seconds: (lastDone - measureFrom) / 1000, errors };
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank p50/p99 of the samples' latencies, rounded to 0.01 ms (NaN when there are none). */
export function summarize(samples: readonly Sample[]): LatencySummary {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
}

export function describePhase(label: string, phase: PhaseResult): string[] {
  const all = summarize(phase.samples);
  const lines = [
    `${label}: ${all.count} updates in ${phase.seconds.toFixed(1)} s (${Math.round(all.count / Math.max(phase.seconds, 1e-9))}/s), p50 ${all.p50Ms} ms, p99 ${all.p99Ms} ms`,
  ];
  for (const op of ['insert', 'move'] as const) {
    const s = summarize(phase.samples.filter((x) => x.op === op));
    lines.push(`  ${op === 'insert' ? 'INSERT DATA  ' : 'DELETE/INSERT'}: ${s.count} updates, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
  }
  for (const [message, n] of phase.errors) lines.push(`  FAILED ${n}x: ${message}`);
  return lines;
}
