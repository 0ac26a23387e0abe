import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIri, accountsAcrossRegions, postUpdate } from '../support/bank';
import { eventually, runCli } from '../support/processes';
import { TestCluster } from '../support/test-cluster';

interface FeedLine {
  region: number;
  commitTs: string;
  txId: string;
  inserted: string[];
  deleted: string[];
}

/** The change feed: every committed update once, per region in commit-timestamp order. */
describe('change feed (QUARRY_CHANGES)', () => {
  const tc = new TestCluster({ stores: 3, regions: 4, pdEnv: { QUARRY_REGION_MERGE_QUADS: '0' } });
  let base = '';
  let byRegion: number[][] = [];

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
    await tc.startProcess('coord-1', 'query-coordinator', {}, '/ready');
    base = `http://127.0.0.1:${tc.ports.get('coord-1')}`;
    byRegion = accountsAcrossRegions(await tc.stores.router.regions(), 1);
  }, 120_000);
  afterAll(() => tc.stop());

  const pending = async (): Promise<number> => {
    let n = 0;
    for (const r of await tc.stores.router.regions()) for (const s of r.stores) n += (await tc.stores.replicaStatus(s, r.id)).pendingChanges;
    return n;
  };

  it('publishes every acknowledged update exactly once, in commit order per region, across a region leader kill', async () => {
    const acknowledged: number[] = [];
    const updates = 40;
    for (let i = 0; i < updates; i++) {
      if (i === 20) {
        // Kill the leader of the first account's region mid-stream: its successor must carry on
        // exactly where the feed stands.
        const r = (await tc.stores.router.regions())[0];
        const leader = (await tc.stores.replicaStatus(r.stores[0], r.id)).leaderStore;
        await tc.kill(`store-${leader}`);
        await tc.restart(`store-${leader}`);
      }
      // Odd updates span all four regions (two-phase), even ones touch one region (one phase).
      const subjects = i % 2 ? byRegion.map((a) => a[0]) : [byRegion[i % 4][0]];
      const text = `INSERT DATA { ${subjects.map((a) => `<${accountIri(a)}> <http://feed.example/seq> "${i}" .`).join(' ')} }`;
      if ((await postUpdate(base, text)) === 204) acknowledged.push(i);
    }
    expect(acknowledged.length).toBeGreaterThan(updates / 2);
    await eventually(async () => ((await pending()) === 0 ? true : undefined), 30_000);

    const feed = await runCli(['changes', '--cluster', tc.cluster], { timeoutMs: 30_000 });
    expect(feed.code, feed.stderr).toBe(0);
    const lines = feed.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FeedLine);
    // Per region: strictly increasing commit timestamps (in order, none twice).
    const byRegionTs = new Map<number, bigint[]>();
    for (const l of lines) byRegionTs.set(l.region, [...(byRegionTs.get(l.region) ?? []), BigInt(l.commitTs)]);
    for (const [, ts] of byRegionTs) for (let i = 1; i < ts.length; i++) expect(ts[i] > ts[i - 1]).toBe(true);
    // Every inserted quad of an acknowledged update appears exactly once; nothing else does.
    const seen = new Map<string, number>();
    for (const l of lines) for (const q of l.inserted) seen.set(q, (seen.get(q) ?? 0) + 1);
    for (const i of acknowledged) {
      const subjects = i % 2 ? byRegion.map((a) => a[0]) : [byRegion[i % 4][0]];
      for (const a of subjects) expect(seen.get(`<${accountIri(a)}> <http://feed.example/seq> "${i}" .`), `update ${i}`).toBe(1);
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // A two-phase update is one transaction: the same tx id in each region's event.
    const odd = acknowledged.find((i) => i % 2 === 1)!;
    const txIds = new Set(lines.filter((l) => l.inserted.some((q) => q.endsWith(`"${odd}" .`))).map((l) => l.txId));
    expect(txIds.size).toBe(1);
    expect([...txIds][0]).not.toBe('');
  }, 180_000);
});
