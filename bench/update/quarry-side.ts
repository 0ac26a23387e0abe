import type { BenchCluster } from '../shared/bench-cluster';
import { runQuarry } from '../shared/quarry-cli';
import { runPhase, type PhaseOptions, type PhaseResult } from './phase';
import { UpdateClient } from './update-client';
import { BALANCE_CHECK_QUERY, checkBalances, ClientWorkload, parseRegionList, type BalanceCheck, type HashRange, type Scope } from './workload';

/**
 * The cluster's regions, as `quarry region list --json` reports them, once every region is
 * healthy (a leader and all replicas): a load or phase started before that would time the
 * cluster's start-up, and whichever ran first would pay for it.
 */
export async function healthyRanges(cluster: BenchCluster, timeoutMs = 90_000): Promise<HashRange[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await runQuarry(['region', 'list', '--json', '--data-dir', cluster.dataDir], 60_000);
    if (list.code === 0) return parseRegionList(list.stdout);
    if (Date.now() > deadline)
      throw new Error(`regions not healthy within ${timeoutMs / 1000} s (${list.code}): ${(list.stdout || list.stderr).trim().slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface QuarryUpdateResult {
  single: PhaseResult;
  cross: PhaseResult;
  balances: BalanceCheck;
}

/**
 * Seeds every client's accounts, then runs the single-region phase and the cross-region phase
 * one after the other (each with its own warm-up), then checks that the moves kept the sum of
 * all balances and left exactly one balance per account.
 */
export async function runQuarryUpdates(
  cluster: BenchCluster,
  workloads: readonly ClientWorkload[],
  options: PhaseOptions,
  log: (line: string) => void,
): Promise<QuarryUpdateResult> {
  const clients = workloads.map((w) => new UpdateClient(cluster.endpoint, w.client));
  try {
    await Promise.all(workloads.map((w, i) => clients[i]!.update(w.seedText())));
    const phase = (scope: Scope): Promise<PhaseResult> =>
      runPhase(
        options,
        (c) => workloads[c]!.next(scope),
        (c, u) => clients[c]!.update(u.text),
      );
    log(`quarry: single-region phase (${options.clients} clients, ${options.warmupMs / 1000} s warm-up + ${options.measureMs / 1000} s)`);
    const single = await phase('single');
    log(`quarry: cross-region phase`);
    const cross = await phase('cross');
    const accounts = workloads.reduce((n, w) => n + w.accounts.flat().length, 0);
    const [row] = await clients[0]!.select(BALANCE_CHECK_QUERY);
    const balances = checkBalances(Number(row?.sum?.value), Number(row?.n?.value), accounts);
    return { single, cross, balances };
  } finally {
    for (const c of clients) c.close();
  }
}
