import { describe, expect, it } from 'vitest';
import { formatFailure, runSeed, seedRange } from './sim-runner';

const BATCH = 100;

/**
 * Declares the simulation tests of one shard of the seeds. Shards live in separate spec files
 * because vitest runs spec files in parallel, one per core; seeds run in batches of 100 so each
 * test stays well within the per-test timeout even with RAFT_SIM_SEEDS=20000.
 */
export function describeSimulationShard(shard: number, shards: number): void {
  const replay = process.env.RAFT_SIM_SEED !== undefined && process.env.RAFT_SIM_SEED !== '';
  const seeds = seedRange(shard, shards, 1000);
  describe(`raft deterministic simulation (shard ${shard})`, () => {
    for (let b = 0; b < seeds.length; b += BATCH) {
      const batch = seeds.slice(b, b + BATCH);
      it(`keeps Raft safe and the KV history linearizable: seeds ${batch[0]}..${batch[batch.length - 1]}`, () => {
        let ops = 0;
        let elections = 0;
        for (const seed of batch) {
          const r = runSeed(seed, replay);
          if (!r.ok) {
            if (replay) console.log(r.trace.join('\n'));
            expect.fail(formatFailure(r));
          }
          ops += r.completedOps;
          elections += r.elections;
        }
        // Guard against a simulation that silently does nothing.
        if (batch.length >= 20) {
          expect(ops / batch.length).toBeGreaterThan(5);
          expect(elections).toBeGreaterThan(batch.length);
        }
      });
    }
  });
}
