import { fromBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ClusterEventSchema } from '@quarry/proto';
import { subjectHash, type Quad } from '@quarry/rdf';
import { regionOwns } from '@quarry/store-client';
import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/test-cluster';

const { namedNode, literal, quad } = DataFactory;

/**
 * Once replica counts are even, the stores' data is evened out too: every region on store 1 is
 * filled, the others stay empty, and the placement driver moves full regions away from the
 * stores holding the most quads (and empty ones back, to keep counts within one).
 */
describe('placement driver: balance by size', () => {
  const STORES = [1, 2, 3, 4];
  const tc = new TestCluster({
    stores: 4,
    regions: 6,
    pdEnv: { QUARRY_REGION_MERGE_QUADS: '0', QUARRY_REGION_SIZE_CHECK_MS: '1000', QUARRY_BALANCE_INTERVAL_MS: '1000' },
    storeEnv: { QUARRY_REMOVED_REPLICA_GRACE_MS: '2000' },
  });

  /** The region map once no move is in flight (every region on 3 stores) and counts are within one. */
  const settledMap = async (ms: number) => {
    const t0 = Date.now();
    for (;;) {
      const regions = (await tc.stores.router.refresh()).regions;
      const counts = STORES.map((s) => regions.filter((r) => r.stores.includes(s)).length);
      if (regions.every((r) => r.stores.length === 3) && Math.max(...counts) - Math.min(...counts) <= 1) return regions;
      if (Date.now() - t0 > ms) throw new Error(`counts not even: ${JSON.stringify(regions.map((r) => [r.id, r.stores]))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const storeQuads = async () => {
    const regions = await settledMap(60_000);
    const sizes = new Map<number, number>();
    for (const r of regions) sizes.set(r.id, Number((await tc.stores.replicaStatus(r.stores[0], r.id, { counts: true })).quadCount));
    return { regions, perStore: STORES.map((s) => regions.filter((r) => r.stores.includes(s)).reduce((sum, r) => sum + sizes.get(r.id)!, 0)) };
  };
  const sizeMoves = async (): Promise<Record<string, string>[]> => {
    const subject = tc.subjects.events('region.moved');
    const held = (await (await jetstreamManager(tc.bus.nc)).streams.info(tc.subjects.eventsStream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;
    if (held === 0) return [];
    const consumer = await jetstream(tc.bus.nc).consumers.get(tc.subjects.eventsStream, { filter_subjects: subject });
    const out: Record<string, string>[] = [];
    for await (const m of await consumer.fetch({ max_messages: held, expires: 5000 })) out.push(fromBinary(ClusterEventSchema, m.data).attributes);
    return out.filter((e) => e.reason === 'size');
  };

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
  });
  afterAll(() => tc.stop());

  it('moves data off the fullest store once counts are within one, and stops', async () => {
    // Counts first (the 4th store may have joined after the bootstrap); regions are empty.
    const regions = await settledMap(90_000);
    const full = regions.filter((r) => r.stores.includes(1));
    const batch = full.flatMap((r) => {
      const quads: Quad[] = [];
      for (let i = 0; quads.length < 1000; i++) {
        const s = `http://size.example/r${r.id}/s${i}`;
        if (regionOwns(r, subjectHash(namedNode(s)))) quads.push(quad(namedNode(s), namedNode('http://size.example/p'), literal(String(i))));
      }
      return quads;
    });
    await tc.writer.write(await tc.consensus.timestamp(), batch);
    const written = full.length * 1000;
    const spreadOf = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    const start = STORES.map((s) => regions.filter((r) => r.stores.includes(s) && full.includes(r)).length * 1000);
    console.log(`size balance: store quads after the writes ${JSON.stringify(start)}`);

    const t0 = Date.now();
    while ((await sizeMoves()).length === 0) {
      if (Date.now() - t0 > 60_000) throw new Error(`no size move:\n${tc.procs.get('pd-1')!.output.split('\n').slice(-15).join('\n')}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Wait for a standstill: the same layout for longer than a few balance intervals.
    let last = '';
    let stableSince = Date.now();
    let state = await storeQuads();
    for (;;) {
      state = await storeQuads();
      const key = JSON.stringify(state.regions.map((r) => [r.id, [...r.stores].sort()]));
      if (key !== last) [last, stableSince] = [key, Date.now()];
      else if (Date.now() - stableSince > 6000) break;
      if (Date.now() - t0 > 120_000) throw new Error(`no standstill: ${key}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const moves = await sizeMoves();
    console.log(`size balance: ${moves.length} size moves in ${Date.now() - t0} ms; store quads ${JSON.stringify(start)} → ${JSON.stringify(state.perStore)}`);
    expect(spreadOf(state.perStore)).toBeLessThan(spreadOf(start));
    expect(state.perStore.reduce((a, b) => a + b, 0)).toBe(written * 3); // 3 replicas of every quad, none lost
    const counts = STORES.map((s) => state.regions.filter((r) => r.stores.includes(s)).length);
    expect(spreadOf(counts)).toBeLessThanOrEqual(1);
    for (const m of moves) expect(Number(m.regionQuads)).toBeGreaterThan(0);
  }, 240_000);
});
