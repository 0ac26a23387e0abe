/** Wall time and process CPU time (user + system, all threads) of one run. */
export interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

export async function measure<T>(fn: () => Promise<T> | T): Promise<[T, Timing]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wallSeconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return [result, { wallSeconds, cpuSeconds: (used.user + used.system) / 1e6 }];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
