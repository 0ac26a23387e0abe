import { percentile, round, sleep } from './stats';

/** Counts errors by message (first 80 characters), to say what failed. */
export class ErrorTally {
  readonly counts = new Map<string, number>();
  add(err: unknown): void {
    const k = `${(err as Error)?.constructor?.name ?? 'Error'}: ${String((err as Error)?.message ?? err).slice(0, 80)}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  top(n = 3): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]).slice(0, n));
  }
}

/**
 * The workloads, independent of the system under test: a load generator provides `put` and
 * a way to find the leader; the failover run asks its parent (over stdout/stdin) to kill it.
 */
export interface Target {
  put(key: string, value: string): Promise<unknown>;
  /** Which replica (1-based index as the orchestrator numbers them) leads now. */
  leader(): Promise<number>;
  /**
   * Told when a phase's measured window opens and closes (with the puts acknowledged in it),
   * so the orchestrator can charge the servers' CPU time to those puts.
   */
  window?(edge: 'start' | 'end', commits?: number): void;
}

export interface Phase {
  seqN: number;
  tputSeconds: number;
  warmupSeconds: number;
  inflight: number[];
  failoverWriters: number;
}

export async function sequential(
  t: Target,
  n: number,
  value: string,
  tag: string,
): Promise<{ p50Ms: number; p99Ms: number; meanMs: number; errors: number; errorKinds: Record<string, number> }> {
  const tally = new ErrorTally();
  for (let i = 0; i < Math.min(100, n); i++) await t.put(`warm-${tag}-${i}`, value).catch(() => undefined);
  const lat: number[] = [];
  let errors = 0;
  t.window?.('start');
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    try {
      await t.put(`seq-${tag}-${i}`, value);
      lat.push(performance.now() - t0);
    } catch (err) {
      errors++;
      tally.add(err);
    }
  }
  t.window?.('end', lat.length);
  lat.sort((a, b) => a - b);
  const mean = lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length);
  return { p50Ms: round(percentile(lat, 50), 3), p99Ms: round(percentile(lat, 99), 3), meanMs: round(mean, 3), errors, errorKinds: tally.top() };
}

/** `inflight` closed-loop writers for warmup + seconds; counts acks inside the measured window. */
export async function throughput(
  t: Target,
  inflight: number,
  seconds: number,
  warmupSeconds: number,
  value: string,
  tag: string,
): Promise<{ commitsPerSec: number; errors: number; p50Ms: number; p99Ms: number; errorKinds: Record<string, number> }> {
  const tally = new ErrorTally();
  const start = performance.now();
  const measureFrom = start + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  let acked = 0;
  let errors = 0;
  const lat: number[] = [];
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; performance.now() < end; i++) {
      const t0 = performance.now();
      try {
        await t.put(`tp-${tag}-${inflight}-${w}-${i}`, value);
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= end) {
          acked++;
          if (lat.length < 200_000) lat.push(t1 - t0);
        } else if (t1 > measureFrom && t1 <= end) acked++;
      } catch (err) {
        errors++;
        tally.add(err);
        await sleep(5);
      }
    }
  };
  const opened = setTimeout(() => t.window?.('start'), measureFrom - performance.now());
  const closed = setTimeout(() => t.window?.('end', acked), end - performance.now());
  await Promise.all(Array.from({ length: inflight }, (_, w) => writer(w)));
  clearTimeout(opened);
  clearTimeout(closed);
  lat.sort((a, b) => a - b);
  return {
    commitsPerSec: Math.round(acked / seconds),
    errors,
    p50Ms: round(percentile(lat, 50), 2),
    p99Ms: round(percentile(lat, 99), 2),
    errorKinds: tally.top(),
  };
}

/** Parent's answer after it killed the leader. */
export interface KillNotice {
  killAt: number;
  exitAt: number;
}

/**
 * A put stream from `writers` closed-loop writers; after 1.5 s asks the parent to kill -9 the
 * leader; once told, starts a fresh probe put every 5 ms. Failover = first ack of a put sent
 * after the leader's exit was observed, minus the time of the kill.
 */
export async function failover(
  t: Target,
  writers: number,
  value: string,
  tag: string,
  askKill: (leader: number) => Promise<KillNotice>,
): Promise<{ failoverMs: number; leader: number; firstAckAt: number; streamAcksBefore: number }> {
  let stop = false;
  let acks = 0;
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      try {
        await t.put(`fo-${tag}-${w}-${i}`, value);
        acks++;
      } catch {
        await sleep(5);
      }
    }
  };
  const ws = Array.from({ length: writers }, (_, w) => writer(w));
  await sleep(1500);
  const leader = await t.leader();
  const before = acks;
  const notice = await askKill(leader);
  let firstAckAt = 0;
  let probes = 0;
  const deadline = Date.now() + 20_000;
  while (!firstAckAt && Date.now() < deadline) {
    const n = probes++;
    void t.put(`probe-${tag}-${n}`, value).then(
      () => (firstAckAt ||= Date.now()),
      () => undefined,
    );
    await sleep(5);
  }
  stop = true;
  await Promise.race([Promise.all(ws), sleep(10_000)]);
  return { failoverMs: firstAckAt ? firstAckAt - notice.killAt : NaN, leader, firstAckAt, streamAcksBefore: before };
}
