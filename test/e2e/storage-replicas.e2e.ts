import { DataFactory } from 'n3';
import type { Quad } from '@quarry/rdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/test-cluster';

const { namedNode, literal, quad } = DataFactory;

function batch(from: number, n: number): Quad[] {
  return Array.from({ length: n }, (_, i) => quad(namedNode(`http://ex.org/s/${from + i}`), namedNode('http://ex.org/p'), literal(`value ${from + i} ${'x'.repeat(40)}`)));
}

describe('storage nodes: region replicas under crashes', () => {
  // Small snapshot interval: a wiped replica must be rebuilt from a snapshot, not the log.
  const tc = new TestCluster({ stores: 3, regions: 2, storeEnv: { QUARRY_RAFT_SNAPSHOT_ENTRIES: '20' } });
  let regions: number[] = [];

  beforeAll(async () => {
    await tc.start();
    regions = await tc.waitForRegions();
  });
  afterAll(() => tc.stop());

  it('a replica killed with -9 while applying writes comes back identical to the others', async () => {
    let stop = false;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        await tc.writer.write(await tc.consensus.timestamp(), batch(i * 200, 200));
        written += 200;
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    await tc.procs.get('store-2')!.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    await tc.startStore(2);
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await writer;
    const digests = await tc.waitConverged(regions);
    const total = [...digests.values()].reduce((sum, reps) => sum + reps[0].count, 0n);
    expect(Number(total)).toBe(written);
  });

  // (A replica that lost its disk must not come back under the same store id: Raft assumes what
  // a node acknowledged stays on its disk. Rebuilding a lost store is the placement driver's job.)
  it('a replica that fell behind the compacted log is rebuilt from a snapshot and equals its leader', async () => {
    await tc.procs.get('store-3')!.stop('SIGKILL');
    // more writes while it is gone, so the others compact their logs past its position
    for (let i = 0; i < 40; i++) await tc.writer.write(await tc.consensus.timestamp(), batch(1_000_000 + i * 100, 100));
    await tc.startStore(3);
    const digests = await tc.waitConverged(regions, 45_000).catch((err: Error) => {
      throw new Error(`${err.message}\nstore-3 log tail:\n${tc.procs.get('store-3')!.output.split('\n').filter((l) => !l.includes('"context"')).slice(-25).join('\n')}`);
    });
    for (const reps of digests.values()) expect(new Set(reps.map((x) => x.checksum)).size).toBe(1);
    // it really was a snapshot: the restarted replica logged installing one
    expect(tc.procs.get('store-3')!.output).toContain('installed a snapshot from its leader');
  });
});
