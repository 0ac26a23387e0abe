import type * as oxigraph from 'oxigraph';
import { runPhase, type PhaseOptions, type PhaseResult } from './phase';
import { BALANCE_CHECK_QUERY, checkBalances, type BalanceCheck, type ClientWorkload } from './workload';

export interface OxigraphUpdateResult {
  single: PhaseResult;
  balances: BalanceCheck;
}

/**
 * The single-region phase against an in-process Oxigraph store: the same clients, texts and
 * closed loop as on Quarry; each update is one synchronous `store.update(text)` call, timed alone.
 */
export async function runOxigraphUpdates(store: oxigraph.Store, workloads: readonly ClientWorkload[], options: PhaseOptions): Promise<OxigraphUpdateResult> {
  for (const w of workloads) store.update(w.seedText());
  const single = await runPhase(
    options,
    (c) => workloads[c]!.next('single'),
    async (_c, u) => store.update(u.text),
  );
  const rows = store.query(BALANCE_CHECK_QUERY);
  const row = Array.isArray(rows) ? (rows[0] as Map<string, oxigraph.Term> | undefined) : undefined;
  const accounts = workloads.reduce((n, w) => n + w.accounts.flat().length, 0);
  return { single, balances: checkBalances(Number(row?.get('sum')?.value), Number(row?.get('n')?.value), accounts) };
}
