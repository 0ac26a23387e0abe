import { fromBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ClusterEventSchema } from '@quarry/proto';
import { subjectHash, type Quad } from '@quarry/rdf';
import { regionOwns } from '@quarry/store-client';
import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/processes';
import { TestCluster } from '../support/test-cluster';

const { namedNode, literal, quad } = DataFactory;

/**
 * Two adjacent small regions on different stores: the placement driver moves the smaller's
 * replicas onto the other's stores (learner → catch up → promote + remove, one move per
 * balance interval), then merges them. Snapshots go no faster than QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC.
 */
describe('placement driver: merging regions on different stores', () => {
  const SNAPSHOT_LIMIT = 64 * 1024; // the smallest allowed: a region of ~2,000 quads takes seconds
  const tc = new TestCluster({
    stores: 3,
    regions: 1,
    storeEnv: { QUARRY_REMOVED_REPLICA_GRACE_MS: '2000', QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC: String(SNAPSHOT_LIMIT) },
    // Phase 1: merging off, and size balancing out of the way (100 % tolerance), so the layout
    // the test builds stays as it is.
    pdEnv: { QUARRY_REGION_MERGE_QUADS: '0', QUARRY_BALANCE_INTERVAL_MS: '1000', QUARRY_BALANCE_TOLERANCE_PERCENT: '100' },
  });
  const cli = (args: string[]) => runCli([...args, '--cluster', tc.cluster], { timeoutMs: 60_000 });
  const sortedRegions = async () => [...(await tc.stores.router.refresh()).regions].sort((a, b) => (a.startHash < b.startHash ? -1 : 1));
  const totalQuads = async (): Promise<bigint> => {
    const digests = await tc.waitConverged((await tc.stores.router.refresh()).regions.map((r) => r.id), 60_000);
    return [...digests.values()].reduce((sum, reps) => sum + reps[0].count, 0n);
  };
  const events = async (type: string) => {
    const subject = tc.subjects.events(type);
    const held = (await (await jetstreamManager(tc.bus.nc)).streams.info(tc.subjects.eventsStream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;
    if (held === 0) return [];
    const consumer = await jetstream(tc.bus.nc).consumers.get(tc.subjects.eventsStream, { filter_subjects: subject });
    const out: Record<string, string>[] = [];
    for await (const m of await consumer.fetch({ max_messages: held, expires: 5000 })) out.push(fromBinary(ClusterEventSchema, m.data).attributes);
    return out;
  };
  /** Polls until `ok` holds for the sorted region list, which must settle with 3 replicas each. */
  const waitLayout = async (ok: (regions: Awaited<ReturnType<typeof sortedRegions>>) => boolean, what: string, ms = 90_000) => {
    const t0 = Date.now();
    for (;;) {
      const regions = await sortedRegions();
      if (regions.every((r) => r.stores.length === 3) && ok(regions)) return regions;
      if (Date.now() - t0 > ms) throw new Error(`${what}: ${JSON.stringify(regions.map((r) => [r.id, r.stores]))}\n${tc.procs.get('pd-1')!.output.split('\n').slice(-15).join('\n')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
  });
  afterAll(() => tc.stop());

  it('moves the smaller region onto its neighbour\'s stores, then merges: the quad count is unchanged', async () => {
    // 2,000 quads about distinct subjects, so both halves of a split get about 1,000.
    const batch = Array.from({ length: 2000 }, (_, i) => quad(namedNode(`http://merge.example/s${i}`), namedNode('http://merge.example/p'), literal(String(i))));
    await tc.writer.write(await tc.consensus.timestamp(), batch);
    const [whole] = await sortedRegions();
    const split = await cli(['region', 'split', String(whole.id)]);
    expect(split.code, split.stderr).toBe(0);

    // A 4th store: balancing moves one replica of one half there, so the halves end up on
    // different stores (6 replicas on 4 stores: counts 2,2,1,1).
    await tc.startStore(4);
    const apart = await waitLayout((rs) => rs.length === 2 && rs[0].stores.some((s) => !rs[1].stores.includes(s)), 'the halves did not end up on different stores');
    // The half that moved (now on store 4) gets 600 more quads, so the other half is the smaller,
    // the one whose replicas move for the merge: onto store 4, which never held it (a snapshot).
    const grown = apart.find((r) => r.stores.includes(4))!;
    const extra: Quad[] = [];
    for (let i = 0; extra.length < 600; i++) {
      const s = `http://merge.example/more${i}`;
      if (regionOwns(grown, subjectHash(namedNode(s)))) extra.push(quad(namedNode(s), namedNode('http://merge.example/p'), literal(String(i))));
    }
    await tc.writer.write(await tc.consensus.timestamp(), extra);
    const before = await totalQuads();
    expect(before).toBe(2600n);
    console.log(`merge: halves apart: ${JSON.stringify(apart.map((r) => [r.id, r.stores]))}`);

    // Phase 2: a placement driver that merges regions under 5,000 quads.
    await tc.kill('pd-1');
    const t0 = Date.now();
    await tc.startProcess('pd-1', 'placement-driver', {
      QUARRY_INITIAL_REGIONS: '1',
      QUARRY_REGION_MERGE_QUADS: '5000',
      QUARRY_REGION_SIZE_CHECK_MS: '1000',
      QUARRY_BALANCE_INTERVAL_MS: '1000',
      QUARRY_BALANCE_TOLERANCE_PERCENT: '100',
    });
    const merged = await waitLayout((rs) => rs.length === 1, 'the halves were not merged', 120_000);
    console.log(`merge: one region after ${Date.now() - t0} ms: ${JSON.stringify(merged.map((r) => [r.id, r.stores]))}`);
    expect(merged[0].startHash).toBe(0n);
    expect(merged[0].endHash).toBe(0n); // the whole hash space again
    expect(await totalQuads()).toBe(before);

    // The steps are on record: the replica moves for the merge, then the merge.
    const colocated = await events('region.colocated');
    expect(colocated.length).toBeGreaterThanOrEqual(1);
    const mergeScheduled = await events('region.merge-scheduled');
    expect(mergeScheduled.map((e) => e.source)).toContain(colocated[0].region);
    expect(colocated[0]).toMatchObject({ target: String(grown.id), added: '4' });
    // Snapshots go no faster than the limit (one tenth of a second of burst): both moves put a
    // region on store 4, which never held it, so each took a snapshot.
    const snapshots = await events('region.snapshot-sent');
    for (const s of snapshots) {
      expect(Number(s.limit)).toBe(SNAPSHOT_LIMIT);
      expect(Number(s.ms)).toBeGreaterThanOrEqual(((Number(s.bytes) - SNAPSHOT_LIMIT / 10) / SNAPSHOT_LIMIT) * 1000 - 1);
    }
    const moved = (await events('region.moved')).find((e) => e.added === '4');
    const toNewStore = snapshots.find((s) => s.to === '4' && s.region === moved?.region);
    expect(toNewStore, JSON.stringify({ snapshots, moved })).toBeDefined();
    expect(Number(toNewStore!.bytes)).toBeGreaterThan(SNAPSHOT_LIMIT / 2);
    // The placement driver's wait for the learner took the paced transfer's time too.
    expect(Number(moved!.catchUpMs)).toBeGreaterThanOrEqual(Number(toNewStore!.ms) - 1000);
    const forColocation = snapshots.find((s) => s.to === '4' && s.region === colocated[0].region);
    expect(forColocation, JSON.stringify({ snapshots, colocated })).toBeDefined();
    expect(Number(colocated[0].catchUpMs)).toBeGreaterThanOrEqual(Number(forColocation!.ms) - 1000);
    console.log(`merge: snapshots ${JSON.stringify(snapshots)}; balancing move caught up in ${moved!.catchUpMs} ms; colocation ${JSON.stringify(colocated)}`);
  }, 240_000);
});
