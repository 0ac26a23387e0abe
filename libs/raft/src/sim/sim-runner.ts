import { Simulation, type SimResult } from './simulation';

/** Default parameters of one CI seed: small enough for 1,000 seeds in about a minute. */
export const DEFAULT_STEPS = 400;
export const DEFAULT_QUIESCE = 150;

export function runSeed(seed: number, fullTrace = false): SimResult {
  return new Simulation({
    seed,
    steps: DEFAULT_STEPS,
    quiesceSteps: DEFAULT_QUIESCE,
    initialVoters: seed % 4 === 0 ? 5 : 3,
    fullTrace,
  }).run();
}

/** Seeds to run: RAFT_SIM_SEED=n replays one; RAFT_SIM_SEEDS=n changes the count. */
export function seedRange(shard: number, shards: number, defaultCount: number): number[] {
  const one = process.env.RAFT_SIM_SEED;
  if (one !== undefined && one !== '') return shard === 0 ? [Number(one)] : [];
  const count = Number(process.env.RAFT_SIM_SEEDS ?? defaultCount);
  const seeds: number[] = [];
  for (let s = shard; s < count; s += shards) seeds.push(s);
  return seeds;
}

export function formatFailure(r: SimResult): string {
  return [
    `raft simulation failed for seed ${r.seed}: ${r.error}`,
    `replay with: RAFT_SIM_SEED=${r.seed} npx vitest run --project unit libs/raft/src/sim`,
    '--- trace (tail) ---',
    ...r.trace.slice(-300),
  ].join('\n');
}
