import { StoreScan, storeSubject } from '@quarry/store-client';
import { RemoteError } from '@quarry/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli } from '../support/processes';
import { TestCluster } from '../support/test-cluster';

interface SparqlJson {
  results: { bindings: Record<string, { value: string }>[] };
}

/**
 * Regions split and merge through Raft while the coordinator keeps answering: every update
 * acknowledged is there exactly once, counted through SPARQL and per region, and requests
 * routed with an old layout get a typed error.
 */
describe('region split and merge under load', () => {
  // One initial region; the placement driver splits any region over 3,000 quads (merging is
  // left to the operator command here, so the test decides when it happens).
  const tc = new TestCluster({
    stores: 3,
    regions: 1,
    pdEnv: { QUARRY_REGION_SPLIT_QUADS: '3000', QUARRY_REGION_MERGE_QUADS: '0', QUARRY_REGION_SIZE_CHECK_MS: '1000' },
  });
  let base = '';
  let acked = 0;
  const cli = (args: string[]) => runCli([...args, '--cluster', tc.cluster], { timeoutMs: 90_000 });

  const sparql = async (query: string): Promise<number> => {
    const res = await fetch(`${base}/sparql`, { method: 'POST', headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' }, body: query });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`query failed (${res.status}): ${text}`);
    return Number((JSON.parse(text) as SparqlJson).results.bindings[0].n.value);
  };
  const countAll = (): Promise<number> => sparql('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');

  /** One INSERT DATA of `n` new triples (distinct subjects, so they spread over regions). */
  let next = 0;
  const insert = async (n: number): Promise<void> => {
    const triples = Array.from({ length: n }, () => {
      const i = next++;
      return `<http://ex.org/item/${i}> <http://ex.org/value> "${i}" .`;
    });
    const res = await fetch(`${base}/update`, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: `INSERT DATA { ${triples.join('\n')} }` });
    if (res.status >= 300) {
      const log = tc.procs.get('coordinator')!.output.split('\n').filter((l) => /"level":(40|50|60)/.test(l)).slice(-5).join('\n');
      throw new Error(`update failed (${res.status}): ${await res.text()}\n${log}`);
    }
    acked += n;
  };

  /** Writes (and counts) continuously until stopped; any failed update fails the test. */
  const load = (batch: number, reads = true) => {
    let stop = false;
    let queries = 0;
    const done = (async () => {
      while (!stop) {
        await insert(batch);
        if (!reads) continue;
        // A read in between: every answer must be complete for what was acknowledged before it.
        const seen = await countAll();
        if (seen < acked) throw new Error(`a query saw ${seen} quads after ${acked} were acknowledged`);
        queries++;
      }
    })();
    // Kept until stop(), so a failure is reported by the test that started the load.
    const outcome = done.then(
      () => undefined,
      (err: unknown) => err,
    );
    return {
      stop: async () => {
        stop = true;
        const err = await outcome;
        if (err) throw err;
        return queries;
      },
    };
  };

  /** Waits until the region map stops changing (a split started just before may still be recording). */
  const settle = async (): Promise<void> => {
    let last = -1n;
    let stableSince = Date.now();
    for (const t0 = Date.now(); Date.now() - t0 < 60_000; ) {
      const v = (await tc.stores.router.refresh()).version;
      if (v !== last) [last, stableSince] = [v, Date.now()];
      else if (Date.now() - stableSince > 3000) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the region map kept changing');
  };

  const regionIds = async (): Promise<number[]> => (await tc.stores.router.refresh()).regions.map((r) => r.id);
  const perRegionTotal = async (): Promise<bigint> => {
    const digests = await tc.waitConverged(await regionIds(), 60_000);
    return [...digests.values()].reduce((sum, reps) => sum + reps[0].count, 0n);
  };

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
    await tc.startProcess('coordinator', 'query-coordinator', {}, '/health');
    base = `http://127.0.0.1:${tc.ports.get('coordinator')!}`;
    await eventually(() => countAll().catch(() => undefined), 30_000);
  }, 120_000);
  afterAll(() => tc.stop());

  it('refuses bad split requests with a clear error and changes nothing', async () => {
    await insert(500);
    const before = await tc.stores.router.refresh();
    const unknown = await cli(['region', 'split', '999']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/unknown region 999/);
    const garbage = await cli(['region', 'split', '1', '--at', 'soon']);
    expect(garbage.code).toBe(64);
    expect(garbage.stderr).toMatch(/--at must be an integer/);
    const after = await tc.stores.router.refresh();
    expect(after.regions.map((r) => [r.id, r.version])).toEqual(before.regions.map((r) => [r.id, r.version]));
    expect(await countAll()).toBe(acked);
  });

  it('splits under concurrent SPARQL updates and queries: nothing lost, nothing duplicated', async () => {
    const writer = load(100);
    // Short enough that the region stays under the size threshold (3,000 quads): the placement
    // driver's own split must not overtake the operator's.
    await new Promise((r) => setTimeout(r, 300));
    const [first] = (await tc.stores.router.refresh()).regions;
    const split = await cli(['region', 'split', String(first.id), '--json']);
    expect(split.code, split.stderr).toBe(0);
    const halves = (JSON.parse(split.stdout) as { regions: { id: number; startHash: string; endHash: string; version: string }[] }).regions;
    expect(halves).toHaveLength(2);
    expect(halves.every((h) => BigInt(h.version) > first.version)).toBe(true);
    // Keep writing until the placement driver splits a region by size too (threshold 3,000).
    const t0 = Date.now();
    while ((await regionIds()).length < 3) {
      if (Date.now() - t0 > 120_000) throw new Error(`no size-based split: ${JSON.stringify((await tc.stores.router.refresh()).regions.map((r) => r.id))}\n${tc.procs.get('pd-1')!.output.split('\n').slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const queries = await writer.stop();
    expect(queries).toBeGreaterThan(0);
    // From here on the operator decides: no more size-based splits behind the test's back.
    await tc.procs.get('pd-1')!.stop();
    await settle();
    expect(await countAll()).toBe(acked);
    expect(Number(await perRegionTotal())).toBe(acked);

    // A request routed with the layout from before the split gets the typed error, with the layout.
    const parent = (await tc.stores.router.refresh()).regions.find((r) => r.id === first.id)!;
    const leader = (await tc.stores.replicaStatus(parent.stores[0], parent.id)).leaderStore;
    const refused = await tc.bus
      .request(StoreScan, storeSubject(tc.cluster, leader, StoreScan.name), { regionId: parent.id, pattern: {}, readTs: await tc.consensus.timestamp(), limit: 10, regionVersion: first.version })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).code).toBe('STALE_EPOCH');
    expect((refused as RemoteError).details.version).toBe(String(parent.version));

    // A split key outside the region's range is refused by its leader; the map does not change.
    const outsideKey = parent.endHash === 0n ? parent.startHash - 1n : parent.endHash;
    const before = await tc.stores.router.refresh();
    const outside = await cli(['region', 'split', String(parent.id), '--at', String(outsideKey > 0n ? outsideKey : 1n)]);
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/not strictly inside/);
    expect((await tc.stores.router.refresh()).regions.map((r) => [r.id, r.version])).toEqual(before.regions.map((r) => [r.id, r.version]));
  }, 240_000);

  it('merges adjacent regions back under load, still exactly the acknowledged quads', async () => {
    const map = await tc.stores.router.refresh();
    const sorted = [...map.regions].sort((a, b) => (a.startHash < b.startHash ? -1 : 1));
    const nonAdjacent = await cli(['region', 'merge', String(sorted[0].id), String(sorted[2].id)]);
    expect(nonAdjacent.code).not.toBe(0);
    expect(nonAdjacent.stderr).toMatch(/not adjacent/);
    const unchanged = await tc.stores.router.refresh();
    expect(unchanged.regions.map((r) => [r.id, r.version])).toEqual(map.regions.map((r) => [r.id, r.version]));
    for (const r of unchanged.regions) expect((await tc.stores.replicaStatus(r.stores[0], r.id)).mergingInto).toBe(0);

    // Writes only: a query whose snapshot predates the merge and that reads the merged range
    // afterwards is refused (the merge carries no history; see ADR 0007), not retried yet.
    const writer = load(50, false);
    await new Promise((r) => setTimeout(r, 1000));
    const merged = await cli(['region', 'merge', String(sorted[1].id), String(sorted[0].id)]);
    expect(merged.code, merged.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    await writer.stop();
    const after = await tc.stores.router.refresh();
    expect(after.regions).toHaveLength(map.regions.length - 1);
    expect(after.regions.some((r) => r.id === sorted[1].id)).toBe(false);
    expect(await countAll()).toBe(acked);
    expect(Number(await perRegionTotal())).toBe(acked);
    // The distinct subjects equal the count: no duplicate survived the moves.
    expect(await sparql('SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }')).toBe(acked);
  }, 240_000);
});
