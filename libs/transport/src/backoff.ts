export interface BackoffPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { attempts: 4, baseMs: 25, maxMs: 1000 };

/**
 * "Full jitter" exponential backoff (AWS architecture blog): a uniform delay in
 * [0, min(max, base * 2^attempt)], which spreads retries of many clients better than equal jitter.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * cap);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
