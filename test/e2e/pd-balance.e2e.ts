import { fromBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ClusterEventSchema } from '@quarry/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli } from '../support/processes';
import { TestCluster } from '../support/test-cluster';

/** A new storage node receives regions and leaders until every store is within one of the mean. */
describe('placement driver: balance', () => {
  const BALANCE_INTERVAL_MS = 1500;
  const tc = new TestCluster({ stores: 3, regions: 4, storeEnv: { QUARRY_REMOVED_REPLICA_GRACE_MS: '2000' }, pdEnv: { QUARRY_BALANCE_INTERVAL_MS: String(BALANCE_INTERVAL_MS) } });

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
  });
  afterAll(() => tc.stop());

  it('spreads replicas and leaders onto a 4th store', async () => {
    await tc.startStore(4);
    const t0 = Date.now();
    let last = '';
    for (;;) {
      const out = await runCli(['store', 'list', '--json', '--cluster', tc.cluster], { timeoutMs: 30_000 });
      const stores = (JSON.parse(out.stdout) as { stores: { storeId: number; replicas: number; leaders: number }[] }).stores;
      last = out.stdout;
      // What the scheduler aims for: no two stores more than one apart. (Moves are spaced by the
      // rate limit, so a state short of it can look settled for a while.)
      const within = (xs: number[]): boolean => Math.max(...xs) - Math.min(...xs) <= 1;
      const balanced = stores.length === 4 && within(stores.map((s) => s.replicas)) && within(stores.map((s) => s.leaders)) && stores.every((s) => s.replicas > 0);
      // A move in flight shows 4 replicas or a region between leaders: wait for a settled state,
      // and for the store list to read the same after the region check (a move may finish between
      // the two reads).
      const regions = balanced ? (JSON.parse((await runCli(['region', 'list', '--json', '--cluster', tc.cluster])).stdout) as { regions: { stores: number[]; health: string }[] }).regions : [];
      const settled = balanced && regions.every((r) => r.health === 'healthy' && r.stores.length === 3);
      if (settled && (await runCli(['store', 'list', '--json', '--cluster', tc.cluster], { timeoutMs: 30_000 })).stdout === last) break;
      if (Date.now() - t0 > 90_000) throw new Error(`not balanced: ${last}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`balance: reached in ${Date.now() - t0} ms: ${last.trim()}`);
    const final = (JSON.parse(last) as { stores: { replicas: number }[] }).stores.map((x) => x.replicas);
    expect(final.reduce((a, b) => a + b, 0)).toBe(12); // 4 regions x 3 replicas, none lost or doubled
    expect(Math.max(...final) - Math.min(...final)).toBeLessThanOrEqual(1);

    // Rate limit: successive replica moves (events at their end) lie at least the interval apart.
    const subject = tc.subjects.events('region.moved');
    const held = (await (await jetstreamManager(tc.bus.nc)).streams.info(tc.subjects.eventsStream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;
    expect(held).toBeGreaterThanOrEqual(3);
    const consumer = await jetstream(tc.bus.nc).consumers.get(tc.subjects.eventsStream, { filter_subjects: subject });
    const moves: number[] = [];
    for await (const m of await consumer.fetch({ max_messages: held, expires: 5000 })) moves.push(Number(fromBinary(ClusterEventSchema, m.data).atMs));
    expect(moves.length).toBe(held);
    for (let i = 1; i < moves.length; i++) expect(moves[i] - moves[i - 1]).toBeGreaterThanOrEqual(BALANCE_INTERVAL_MS);

    // The stores that gave replicas away destroyed them (data and Raft group), and only those.
    const regions = (await tc.stores.router.refresh()).regions;
    await eventually(async () => {
      for (const r of regions) {
        for (const store of [1, 2, 3, 4]) {
          const hosted = await tc.stores.replicaStatus(store, r.id).then(
            () => true,
            (e: { code?: string }) => (e.code === 'NOT_FOUND' ? false : undefined),
          );
          if (hosted !== r.stores.includes(store)) return undefined;
        }
      }
      return true;
    }, 30_000);
  });
});
