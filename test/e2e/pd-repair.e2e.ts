import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/processes';
import { TestCluster } from '../support/test-cluster';

const { namedNode, literal, quad } = DataFactory;

/** A storage node dies: the placement driver rebuilds its replicas on the remaining stores. */
describe('placement driver: repair after a store loss', () => {
  const tc = new TestCluster({ stores: 4, regions: 3, pdEnv: { QUARRY_STORE_DOWN_TIMEOUT_MS: '3000' } });
  let regions: number[] = [];

  beforeAll(async () => {
    await tc.start();
    regions = await tc.waitForRegions();
  });
  afterAll(() => tc.stop());

  it('within 60 s every region of the dead store has 3 healthy replicas again and no quad is lost', async () => {
    const quads = Array.from({ length: 3000 }, (_, i) => quad(namedNode(`http://ex.org/r/${i}`), namedNode('http://ex.org/p'), literal(`v${i}`)));
    await tc.writer.write(await tc.consensus.timestamp(), quads);
    const before = await tc.waitConverged(regions);
    const total = (d: typeof before): bigint => [...d.values()].reduce((sum, reps) => sum + reps[0].count, 0n);
    expect(total(before)).toBe(3000n);

    const victim = 1;
    const held = [...before].filter(([, reps]) => reps.some((r) => r.store === victim)).map(([id]) => id);
    expect(held.length).toBeGreaterThan(0);
    await tc.procs.get(`store-${victim}`)!.stop('SIGKILL');
    const killedAt = Date.now();

    let after;
    for (;;) {
      const map = await tc.stores.router.refresh();
      const ok = map.regions.every((r) => r.stores.length === 3 && !r.stores.includes(victim));
      if (ok) {
        after = await tc.waitConverged(regions, 30_000).catch(() => undefined);
        if (after && [...after.values()].every((reps) => reps.every((x) => x.voters.length === 3 && !x.voters.includes(victim)))) break;
      }
      if (Date.now() - killedAt > 60_000) {
        const pdLog = tc.procs.get('pd-1')!.output.split('\n').filter((l) => /repair|warn|error|"level":(40|50)/.test(l)).slice(-10).join('\n');
        const st4 = await tc.stores.replicaStatus(4, 1).then((x) => JSON.stringify({ applied: String(x.appliedIndex), voters: x.voters, leader: x.leaderStore }), (e: Error) => e.message);
        const st2 = await tc.stores.replicaStatus(2, 1).then((x) => JSON.stringify({ applied: String(x.appliedIndex), voters: x.voters, leader: x.leaderStore }), (e: Error) => e.message);
        const s4 = tc.procs.get('store-4')!.output.split('\n').filter((l) => !l.includes('"context"')).slice(-12).join('\n');
        throw new Error(`store4 ${st4} store2 ${st2}\n${s4}\nnot repaired within 60 s: ${JSON.stringify(map.regions.map((r) => ({ id: r.id, stores: r.stores })))}\n${pdLog}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`repair: ${held.length} regions rebuilt ${Date.now() - killedAt} ms after store ${victim} was killed`);
    expect(total(after)).toBe(3000n);
  });

  it('refuses to decommission a store when too few would remain, and drains one when enough do', async () => {
    const cli = (args: string[]) => runCli([...args, '--cluster', tc.cluster], { timeoutMs: 60_000 });
    const refused = await cli(['store', 'remove', '2']);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(/fewer than 3 replicas/);
    await tc.startStore(5);
    const accepted = await cli(['store', 'remove', '2']);
    expect(accepted.code, accepted.stderr).toBe(0);
    const t0 = Date.now();
    for (;;) {
      const list = JSON.parse((await cli(['store', 'list', '--json'])).stdout) as { stores: { storeId: number; replicas: number }[] };
      const regions = JSON.parse((await cli(['region', 'list', '--json'])).stdout) as { regions: { stores: number[]; health: string }[] };
      if (list.stores.find((s) => s.storeId === 2)?.replicas === 0 && regions.regions.every((r) => r.health === 'healthy' && r.stores.length === 3)) break;
      if (Date.now() - t0 > 60_000) throw new Error(`store 2 not drained: ${JSON.stringify(list)} ${JSON.stringify(regions)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const digests = await tc.waitConverged(regions);
    expect([...digests.values()].reduce((sum, reps) => sum + reps[0].count, 0n)).toBe(3000n);
  });
});
