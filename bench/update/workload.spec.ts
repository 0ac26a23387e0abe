import { describe, expect, it } from 'vitest';
import * as oxigraph from 'oxigraph';
import { summarize } from './phase';
import { BALANCE_CHECK_QUERY, ClientWorkload, evenRanges, parseRegionList, regionOfIri, type HashRange } from './workload';

/** Subject IRIs of an update text: every <…> in subject position of its triples (all IRIs but the prefix). */
function subjectIris(text: string): string[] {
  const body = text.slice(text.indexOf('\n') + 1);
  return [...body.matchAll(/<([^>]+)> b:/g)].map((m) => m[1]!);
}

// The layout `quarry dev up` bootstraps (3 regions of equal size), as `quarry region list --json` prints it.
const DEV_REGIONS = JSON.stringify({
  regions: [
    { id: 1, startHash: '0x0000000000000000', endHash: '0x5555555555555555' },
    { id: 2, startHash: '0x5555555555555555', endHash: '0xaaaaaaaaaaaaaaaa' },
    { id: 3, startHash: '0xaaaaaaaaaaaaaaaa', endHash: 'end' },
  ],
});

describe('update bench workload', () => {
  const ranges: HashRange[] = parseRegionList(DEV_REGIONS);

  it('reads the region list, the last range open-ended', () => {
    expect(ranges.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(ranges[2]!.end).toBe(0n);
    expect(ranges[1]!.start).toBe(0x5555555555555555n);
  });

  it('gives every client two accounts in each region, hashed into that region', () => {
    const w = new ClientWorkload(5, ranges);
    expect(w.accounts).toHaveLength(3);
    w.accounts.forEach((pair, i) => {
      for (const iri of pair) expect(regionOfIri(ranges, iri)).toBe(ranges[i]!.id);
    });
    expect(new Set(w.accounts.flat()).size).toBe(6);
    const other = new ClientWorkload(6, ranges);
    expect(other.accounts.flat().filter((a) => w.accounts.flat().includes(a))).toEqual([]);
  });

  it('single-region updates touch subjects of one region, cross-region ones two regions; both operations alternate', () => {
    for (const ranges_ of [ranges, evenRanges(5)]) {
      const w = new ClientWorkload(3, ranges_);
      const seen = { single: new Set<number>(), cross: new Set<number>() };
      for (let i = 0; i < 20; i++) {
        for (const scope of ['single', 'cross'] as const) {
          const u = w.next(scope);
          expect(u.op).toBe(i % 2 === 0 ? 'insert' : 'move');
          const subjects = subjectIris(u.text);
          expect(subjects.length).toBeGreaterThanOrEqual(2);
          const regions = new Set(subjects.map((s) => regionOfIri(ranges_, s)));
          expect(regions.size).toBe(scope === 'single' ? 1 : 2);
          for (const r of regions) seen[scope].add(r);
        }
      }
      // The rotation spreads updates over every region.
      expect(seen.single.size).toBe(ranges_.length);
      expect(seen.cross.size).toBe(ranges_.length);
    }
  });

  it('texts are valid SPARQL Update: on Oxigraph, moves keep the sum of balances and one balance per account', () => {
    const store = new oxigraph.Store();
    const clients = [0, 1, 2].map((c) => new ClientWorkload(c, ranges));
    for (const w of clients) store.update(w.seedText());
    for (let i = 0; i < 30; i++) for (const w of clients) store.update(w.next(i % 3 === 0 ? 'cross' : 'single').text);
    const [row] = store.query(BALANCE_CHECK_QUERY) as Map<string, oxigraph.Term>[];
    expect(Number(row!.get('n')!.value)).toBe(18);
    expect(Number(row!.get('sum')!.value)).toBe(18 * 1000);
    // The moves did move: not every balance is still the initial one.
    const balances = store.query(`SELECT ?v WHERE { ?a <http://quarry.bench/update/balance> ?v }`) as Map<string, oxigraph.Term>[];
    expect(balances.some((b) => b.get('v')!.value !== '1000')).toBe(true);
  });

  it('rejects cross-region updates on a single region', () => {
    expect(() => new ClientWorkload(0, evenRanges(1)).next('cross')).toThrow(/at least 2 regions/);
  });

  it('summarizes latencies by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => ({ op: 'insert' as const, ms: 100 - i }));
    expect(summarize(samples)).toEqual({ count: 100, p50Ms: 50, p99Ms: 99 });
    expect(summarize([]).count).toBe(0);
  });
});
