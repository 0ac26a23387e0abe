import { subjectHash } from '@quarry/rdf';
import { regionOwns } from '@quarry/store-client';
import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/test-cluster';

const { namedNode, literal, quad } = DataFactory;

/** A region written faster than QUARRY_REGION_HOT_WRITE_QPS is split; a quiet one is not. */
describe('placement driver: hot-region splits', () => {
  const tc = new TestCluster({
    stores: 3,
    regions: 2,
    pdEnv: { QUARRY_REGION_HOT_WRITE_QPS: '300', QUARRY_REGION_SIZE_CHECK_MS: '1000', QUARRY_REGION_MERGE_QUADS: '0' },
  });

  beforeAll(async () => {
    await tc.start();
    await tc.waitForRegions();
  });
  afterAll(() => tc.stop());

  it('splits the region taking the writes and leaves the quiet one alone', async () => {
    const [hot, quiet] = await tc.stores.router.regions();
    const subjects: string[] = [];
    for (let i = 0; subjects.length < 400; i++) {
      const s = `http://hot.example/s${i}`;
      if (regionOwns(hot, subjectHash(namedNode(s)))) subjects.push(s);
    }
    let written = 0;
    const t0 = Date.now();
    let regions = [hot, quiet];
    while (regions.length === 2 && Date.now() - t0 < 40_000) {
      const batch = subjects.map((s) => quad(namedNode(s), namedNode('http://hot.example/n'), literal(String(written))));
      await tc.writer.write(await tc.consensus.timestamp(), batch);
      written += batch.length;
      await new Promise((r) => setTimeout(r, 100));
      regions = (await tc.stores.router.refresh()).regions;
    }
    console.log(`hot split: ${regions.length} regions after ${Date.now() - t0} ms and ${written} quads written`);
    expect(regions.length).toBeGreaterThan(2);
    // The quiet region kept its range; the new ones cover exactly the hot region's.
    expect(regions.find((r) => r.id === quiet.id)).toMatchObject({ startHash: quiet.startHash, endHash: quiet.endHash });
    const fromHot = regions.filter((r) => r.id !== quiet.id).sort((a, b) => (a.startHash < b.startHash ? -1 : 1));
    expect(fromHot[0].startHash).toBe(hot.startHash);
    expect(fromHot[fromHot.length - 1].endHash).toBe(hot.endHash);
  }, 90_000);
});
