import { DataFactory } from 'n3';
import type { Quad, Term } from '@quarry/rdf';
import { quadToLine } from '@quarry/rdf';
import { packSolutions, quadsOfPage, starToWire, StoreScan, StoreStarScan, termToWire, unpackSolutions, type PackedSolutions } from '@quarry/store-client';
import { RemoteError } from '@quarry/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/test-cluster';

const { namedNode, literal, quad, variable, defaultGraph } = DataFactory;
const ex = (s: string) => namedNode(`http://ex.org/${s}`);

/** StarScan on real storage nodes: the patterns around one subject evaluated where it lives. */
describe('star scans on storage nodes', () => {
  // No merges: the test needs its two regions to stay apart.
  const tc = new TestCluster({ stores: 3, regions: 2, pdEnv: { QUARRY_REGION_MERGE_QUADS: '0' } });
  const people = 400;
  let readTs = 0n;

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
    const quads: Quad[] = [];
    for (let i = 0; i < people; i++) {
      quads.push(quad(ex(`p${i}`), ex('name'), literal(`Person ${i}`)));
      quads.push(quad(ex(`p${i}`), ex('group'), ex(`g${i % 4}`)));
    }
    await tc.writer.write(await tc.consensus.timestamp(), quads);
    readTs = await tc.consensus.timestamp();
  });
  afterAll(() => tc.stop());

  const star = starToWire([
    { s: variable('x'), p: ex('group'), o: variable('g') },
    { s: variable('x'), p: ex('name'), o: variable('n') },
  ]);

  /** All pages of one region's answer, following the cursor on the store that holds it. */
  async function scanAll(regionIndex: number, extra: { seedVariables?: string[]; seeds?: PackedSolutions; filters?: string[] } = {}, pageRows = 0) {
    const region = (await tc.stores.router.regions())[regionIndex];
    const rows: Map<string, Term>[] = [];
    const seedOfRow: number[] = [];
    let pages = 0;
    let reply = await tc.stores.call(StoreStarScan, region, {
      regionId: region.id,
      regionVersion: region.version,
      readTs,
      patterns: star,
      graph: termToWire(defaultGraph()),
      pageRows,
      ...extra,
    });
    for (;;) {
      pages++;
      rows.push(...unpackSolutions(reply.variables, reply.rows));
      seedOfRow.push(...reply.rowSeeds);
      if (!reply.cursor) break;
      reply = await tc.stores.callStore(StoreStarScan, reply.storeId, {
        regionId: region.id,
        regionVersion: region.version,
        readTs,
        cursor: reply.cursor,
        pageRows,
      });
    }
    return { rows, seedOfRow, pages, region };
  }

  it('answers every subject of the region once, the same in one page or many', async () => {
    const all = [await scanAll(0), await scanAll(1)];
    expect(all[0].rows.length + all[1].rows.length).toBe(people);
    const names = new Set(all.flatMap((a) => a.rows.map((r) => r.get('n')!.value)));
    expect(names.size).toBe(people);
    const paged = await scanAll(0, {}, 7);
    expect(paged.pages).toBeGreaterThan(5);
    expect(paged.rows.map((r) => r.get('x')!.value).sort()).toEqual(all[0].rows.map((r) => r.get('x')!.value).sort());
  });

  it('evaluates the star for each seed and says which seed a row extends', async () => {
    const seeds = packSolutions(['g'], [new Map([['g', ex('g1')]]), new Map([['g', ex('g3')]])]);
    const { rows, seedOfRow } = await scanAll(1, { seedVariables: ['g'], seeds }, 0);
    expect(rows.length).toBeGreaterThan(0);
    expect(seedOfRow).toHaveLength(rows.length);
    expect(rows.every((r, i) => r.get('g')!.value === ['http://ex.org/g1', 'http://ex.org/g3'][seedOfRow[i]])).toBe(true);
  });

  it('returns only rows meeting the filters it is given, and refuses filters it cannot apply', async () => {
    const { rows } = await scanAll(0, { filters: ['STRENDS(?n, "7")', '(?g != <http://ex.org/g0>)'] });
    const expected = (await scanAll(0)).rows.filter((r) => r.get('n')!.value.endsWith('7') && r.get('g')!.value !== 'http://ex.org/g0');
    expect(rows.length).toBe(expected.length);
    expect(rows.length).toBeGreaterThan(0);
    const region = (await tc.stores.router.regions())[0];
    const base = { regionId: region.id, regionVersion: region.version, readTs, graph: termToWire(defaultGraph()), patterns: star };
    for (const [filter, message] of [
      ['STRENDS(?n', /bad star filter/],
      ['(?other = 1)', /does not bind: other/],
    ] as const) {
      const err = await tc.stores.call(StoreStarScan, region, { ...base, filters: [filter] }).then(() => undefined, (e: unknown) => e as RemoteError);
      expect(err?.code).toBe('INVALID_ARGUMENT');
      expect(err?.message).toMatch(message);
    }
  });

  it('refuses a stale region version, a malformed star, and an unknown cursor with typed errors', async () => {
    const region = (await tc.stores.router.regions())[0];
    const base = { regionId: region.id, readTs, graph: termToWire(defaultGraph()) };
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as RemoteError,
      );
    const stale = await failure(tc.stores.call(StoreStarScan, region, { ...base, regionVersion: region.version + 5n, patterns: star }));
    expect(stale?.code).toBe('STALE_EPOCH');
    const mixed = starToWire([
      { s: variable('x'), p: ex('name'), o: variable('n') },
      { s: variable('y'), p: ex('name'), o: variable('n') },
    ]);
    const bad = await failure(tc.stores.call(StoreStarScan, region, { ...base, regionVersion: region.version, patterns: mixed }));
    expect(bad?.code).toBe('INVALID_ARGUMENT');
    expect(bad?.message).toMatch(/same subject/);
    await scanAll(0); // the router now knows the leader
    const leader = tc.stores.router.candidates(region)[0];
    const expired = await failure(tc.stores.callStore(StoreStarScan, leader, { ...base, regionVersion: region.version, cursor: 'feedface' }));
    expect(expired?.code).toBe('FAILED_PRECONDITION');
    expect(expired?.message).toMatch(/cursor expired/);
  });

  it('continues a scan and a star scan across a leader transfer mid-scan', async () => {
    // The placement driver would even out leaders again and could hand the region straight
    // back to the store this test just deposed; this is the file's last test, so it goes.
    await tc.kill('pd-1');
    const region = (await tc.stores.router.regions())[0];
    await scanAll(0); // the router now knows the leader
    const oldLeader = tc.stores.router.candidates(region)[0];
    const base = { regionId: region.id, regionVersion: region.version, readTs };
    const first = await tc.stores.callStore(StoreScan, oldLeader, { ...base, pattern: {}, limit: 50 });
    const firstStar = await tc.stores.callStore(StoreStarScan, oldLeader, { ...base, patterns: star, graph: termToWire(defaultGraph()), pageRows: 20 });
    expect(first.cursor).not.toBe('');
    expect(first.storeId).toBe(oldLeader);
    expect(firstStar.cursor).not.toBe('');

    const newLeader = region.stores.find((s) => s !== oldLeader)!;
    await tc.stores.transferLeader(region, newLeader);
    // A fresh first page on the deposed leader is refused; continuing its own cursor is not.
    const refused = await tc.stores
      .callStore(StoreScan, oldLeader, { ...base, pattern: {}, limit: 50 })
      .then(() => undefined, (e: unknown) => e as RemoteError);
    expect(refused?.code).toBe('NOT_LEADER');

    // The rest of the scan, once on the replica that began it and once on the new leader: both
    // return the same quads, and with the first page they make up the whole region.
    const rest = async (storeId: number): Promise<string> => {
      let text = '';
      let page = await tc.stores.callStore(StoreScan, storeId, { ...base, pattern: {}, limit: 50, cursor: first.cursor, cursorStore: first.storeId });
      for (;;) {
        text += pageText(page);
        if (!page.cursor) return text;
        page = await tc.stores.callStore(StoreScan, storeId, { ...base, pattern: {}, limit: 50, cursor: page.cursor, cursorStore: page.storeId });
      }
    };
    const onOld = await rest(oldLeader);
    const onNew = await rest(newLeader);
    expect(onNew).toBe(onOld);
    const lines = (pageText(first) + onOld).split('\n').filter(Boolean);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.length).toBe((await scanAll(0)).rows.length * 2);

    const starRest = await tc.stores.callStore(StoreStarScan, oldLeader, { ...base, cursor: firstStar.cursor, pageRows: 1000 });
    expect((firstStar.rows?.count ?? 0) + (starRest.rows?.count ?? 0)).toBe((await scanAll(0)).rows.length);
  });
});

/** A scan page as N-Quads text, for comparing pages served by different replicas. */
function pageText(page: Parameters<typeof quadsOfPage>[0]): string {
  return quadsOfPage(page)
    .map((q) => quadToLine(q, 'N-Quads'))
    .join('');
}
