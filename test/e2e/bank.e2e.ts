import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsAcrossRegions, openAccounts, postUpdate, readTotals, sendUpdate, transfer, type Totals } from '../support/bank';
import { eventually } from '../support/processes';
import { TestCluster } from '../support/test-cluster';

/**
 * The bank test (as Jepsen's): transfers between accounts spread over regions, by SPARQL
 * Update through two coordinators, while a nemesis kill -9s coordinators, region leaders and
 * the consensus leader. Every snapshot read must show the same total, and so must the end.
 */
describe('bank: concurrent transfers under a nemesis', () => {
  const tc = new TestCluster({ stores: 3, regions: 4, pdEnv: { QUARRY_REGION_MERGE_QUADS: '0' } });
  const coordinators = ['coord-1', 'coord-2'];
  const ACCOUNTS_PER_REGION = 3;
  const OPENING = 1000;
  let accounts: number[] = [];
  let total = 0;
  const base = (name: string): string => `http://127.0.0.1:${tc.ports.get(name)}`;

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
    for (const c of coordinators) await tc.startProcess(c, 'query-coordinator', { QUARRY_TXN_LOCK_TTL_MS: '2000' }, '/ready');
    accounts = accountsAcrossRegions(await tc.stores.router.regions(), ACCOUNTS_PER_REGION).flat();
    total = accounts.length * OPENING;
    expect(await postUpdate(base('coord-1'), openAccounts(accounts, OPENING))).toBe(204);
  }, 120_000);
  afterAll(() => tc.stop());

  /** The store leading a region, or the consensus replica leading the metadata group. */
  const regionLeader = async (): Promise<string | undefined> => {
    const regions = await tc.stores.router.regions();
    const r = regions[Math.floor(Math.random() * regions.length)];
    const status = await tc.stores.replicaStatus(r.stores[0], r.id).catch(() => undefined);
    return status?.leaderStore ? `store-${status.leaderStore}` : undefined;
  };
  const consensusLeader = async (): Promise<string | undefined> => {
    for (const id of [1, 2, 3]) {
      const s = await tc.consensus.status(id).catch(() => undefined);
      if (s && s.leaderId === id) return `consensus-${id}`;
    }
    return undefined;
  };

  it('keeps the total in every snapshot and at the end', async () => {
    const duration = 30_000;
    const until = Date.now() + duration;
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    const wrong: Totals[] = [];
    let reads = 0;
    const kills: string[] = [];

    const client = async (seed: number): Promise<void> => {
      for (let i = 0; Date.now() < until; i++) {
        const from = accounts[(seed * 7 + i * 5) % accounts.length];
        const to = accounts[(seed * 3 + i * 11 + 1) % accounts.length];
        if (from === to) continue;
        const { status, body } = await sendUpdate(base(coordinators[(seed + i) % 2]), transfer(from, to, 1 + ((seed * i) % 50)), 15_000);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (![0, 204, 409, 503].includes(status)) unexpected.push(`${status}: ${body}`);
        if (status !== 204 && status !== 409) await new Promise((r) => setTimeout(r, 100));
      }
    };
    const reader = async (seed: number): Promise<void> => {
      for (let i = 0; Date.now() < until; i++) {
        const t = await readTotals(base(coordinators[(seed + i) % 2]), 15_000);
        if (!t) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        reads++;
        if (t.total !== total || t.n !== accounts.length) wrong.push(t);
      }
    };
    const nemesis = async (): Promise<void> => {
      for (let round = 0; Date.now() < until - 5000; round++) {
        await new Promise((r) => setTimeout(r, 3000));
        const victim = round % 3 === 0 ? coordinators[round % 2] : round % 3 === 1 ? await regionLeader() : await consensusLeader();
        if (!victim) continue;
        kills.push(victim);
        await tc.kill(victim);
        await new Promise((r) => setTimeout(r, 500));
        await tc.restart(victim);
      }
    };
    await Promise.all([client(1), client(2), client(3), client(4), reader(1), reader(2), nemesis()]);
    console.log(`bank: kills ${JSON.stringify(kills)}; transfer statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${reads} snapshot reads, ${wrong.length} wrong`);

    expect(wrong).toEqual([]);
    // Each kind of victim at least once: a coordinator, a region leader, the consensus leader.
    expect(new Set(kills.map((k) => k.replace(/-\d+$/, '').replace('coord', 'coordinator')))).toEqual(new Set(['coordinator', 'store', 'consensus']));
    // Transfers end 204, 409 (conflict), 503 (part of the cluster down) or with the connection
    // cut by a killed coordinator (0); never with a server error.
    expect(unexpected).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    expect(statuses.get(204) ?? 0).toBeGreaterThan(10);
    // Once healed: the same total, one balance per account, and no transaction left open.
    const final = await eventually(() => readTotals(base('coord-1')), 60_000);
    expect(final).toEqual({ total, n: accounts.length });
    await eventually(async () => {
      await readTotals(base('coord-2')); // reads resolve any lock a killed coordinator left
      let open = 0;
      for (const r of await tc.stores.router.regions()) for (const s of r.stores) open += (await tc.stores.replicaStatus(s, r.id)).openTransactions;
      return open === 0 ? true : undefined;
    }, 30_000);
  }, 180_000);
});
