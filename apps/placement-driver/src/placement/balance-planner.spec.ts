import { describe, expect, it } from 'vitest';
import { leaderHoldings, planBalanceMove, replicaHoldings, type BalanceMove } from './balance-planner';

const tol = { ratio: 0.2, floor: 10 };
type Region = { id: number; stores: number[] };

/** Applies a replica move to the layout (what the scheduler's moveReplica does to the map). */
const applyReplicaMove = (regions: Region[], m: BalanceMove): Region[] => regions.map((r) => (r.id === m.region ? { ...r, stores: r.stores.map((s) => (s === m.from ? m.to : s)) } : r));

const perStore = (stores: number[], regions: Region[], quads: Map<number, number>) => {
  const count = new Map(stores.map((s) => [s, 0]));
  const size = new Map(stores.map((s) => [s, 0]));
  for (const r of regions) {
    for (const s of r.stores) {
      count.set(s, count.get(s)! + 1);
      size.set(s, size.get(s)! + (quads.get(r.id) ?? 0));
    }
  }
  return { count: [...count.values()], size: [...size.values()] };
};

/** Runs the planner to a standstill (as the scheduler does, one move per round). */
function settle(stores: number[], regions: Region[], quads: Map<number, number>, limit = 500): { regions: Region[]; moves: BalanceMove[] } {
  const moves: BalanceMove[] = [];
  for (let i = 0; i < limit; i++) {
    const m = planBalanceMove(stores, replicaHoldings(regions, stores, quads), tol);
    if (!m) return { regions, moves };
    moves.push(m);
    regions = applyReplicaMove(regions, m);
  }
  throw new Error(`no standstill after ${limit} moves: ${JSON.stringify(moves.slice(-6))}`);
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('planBalanceMove: counts first', () => {
  it('moves a replica onto a new store, choosing the region that best evens sizes', () => {
    const regions = [1, 2, 3, 4].map((id) => ({ id, stores: [1, 2, 3] }));
    const quads = new Map([[1, 100], [2, 5000], [3, 2600], [4, 50]]);
    const m = planBalanceMove([1, 2, 3, 4], replicaHoldings(regions, [1, 2, 3, 4], quads), tol);
    // Stores 1-3 weigh 7,750 each, store 4 none: region 2 (5,000) comes closest to half the gap (3,875).
    expect(m).toMatchObject({ region: 2, from: 1, to: 4, reason: 'count' });
  });

  it('leaves counts within one and equal sizes alone, and needs two live stores', () => {
    const regions = [{ id: 1, stores: [1, 2, 3] }, { id: 2, stores: [2, 3, 4] }, { id: 3, stores: [1, 3, 4] }, { id: 4, stores: [1, 2, 4] }];
    const quads = new Map([[1, 100], [2, 100], [3, 100], [4, 100]]);
    expect(planBalanceMove([1, 2, 3, 4], replicaHoldings(regions, [1, 2, 3, 4], quads), tol)).toBeUndefined();
    expect(planBalanceMove([1], replicaHoldings(regions, [1], quads), tol)).toBeUndefined();
  });

  it('counts replicas of stores leaving the cluster nowhere (repair moves those)', () => {
    const regions = [{ id: 1, stores: [1, 2, 9] }, { id: 2, stores: [1, 2, 9] }];
    expect(planBalanceMove([1, 2, 3], replicaHoldings(regions, [1, 2, 3], new Map()), tol)).toMatchObject({ from: 1, to: 3, reason: 'count' });
  });
});

describe('planBalanceMove: sizes once counts are within one', () => {
  it('moves a smaller region from the heaviest store to the lightest when the gap is over the tolerance', () => {
    // Counts 2,1,2 (within one); store 1 holds the big region. Moving region 2 (1,000) leaves
    // stores 1 and 2 at 5,000 and 1,100, closer than moving region 1 (1,000 and 5,100) would.
    const stores = [1, 2, 3];
    const regions = [{ id: 1, stores: [1] }, { id: 2, stores: [1] }, { id: 3, stores: [2] }, { id: 4, stores: [3] }, { id: 5, stores: [3] }];
    const quads = new Map([[1, 5000], [2, 1000], [3, 100], [4, 100], [5, 100]]);
    const m = planBalanceMove(stores, replicaHoldings(regions, stores, quads), tol);
    expect(m).toMatchObject({ region: 2, from: 1, to: 2, reason: 'weight', fromWeight: 6000, toWeight: 100 });
    const after = settle(stores, applyReplicaMove(regions, m!), quads);
    const { count, size } = perStore(stores, after.regions, quads);
    expect(Math.max(...count) - Math.min(...count)).toBeLessThanOrEqual(1);
    expect(Math.max(...size) - Math.min(...size)).toBeLessThan(6000 - 100);
  });

  it('does not move within the tolerance, nor a region as heavy as the gap (it would only swap the roles)', () => {
    const regions = [{ id: 1, stores: [1] }, { id: 2, stores: [2] }];
    // Gap 15 % of the mean: under the 20 % tolerance.
    expect(planBalanceMove([1, 2], replicaHoldings(regions, [1, 2], new Map([[1, 1075], [2, 925]])), tol)).toBeUndefined();
    // One region per store: moving it would leave counts two apart with nothing to swap back.
    expect(planBalanceMove([1, 2], replicaHoldings(regions, [1, 2], new Map([[1, 5000], [2, 10]])), tol)).toBeUndefined();
    // Store 1 holds one more region, but each is as heavy as the gap.
    const three = [{ id: 1, stores: [1] }, { id: 2, stores: [1] }, { id: 3, stores: [2] }];
    expect(planBalanceMove([1, 2], replicaHoldings(three, [1, 2], new Map([[1, 1000], [2, 1000], [3, 1000]])), tol)).toBeUndefined();
    expect(planBalanceMove([1, 2], replicaHoldings(three, [1, 2], new Map([[1, 1000], [2, 200], [3, 500]])), tol)).toMatchObject({ region: 2, from: 1, to: 2, reason: 'weight' });
  });

  it('waits for every size before moving by size (an unmeasured region may be the heaviest)', () => {
    const regions = [{ id: 1, stores: [1] }, { id: 2, stores: [1] }, { id: 3, stores: [2] }];
    expect(planBalanceMove([1, 2], replicaHoldings(regions, [1, 2], new Map([[1, 1000], [2, 300]])), tol)).toBeUndefined();
  });

  it('starts a swap between stores of equal counts, and the count rule completes it instead of undoing it', () => {
    const regions = [{ id: 1, stores: [1] }, { id: 2, stores: [1] }, { id: 3, stores: [2] }, { id: 4, stores: [2] }];
    const quads = new Map([[1, 1000], [2, 900], [3, 100], [4, 50]]);
    const { moves } = settle([1, 2], regions, quads);
    expect(moves.map((m) => m.reason)).toEqual(['weight', 'count']);
    expect(moves[1].region).not.toBe(moves[0].region);
  });

  it('always comes to a standstill, counts within one and sizes no further apart than they started (random layouts)', () => {
    let weightMoves = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rand = rng(seed);
      const stores = Array.from({ length: 3 + Math.floor(rand() * 4) }, (_, i) => i + 1);
      const regions: Region[] = Array.from({ length: 2 + Math.floor(rand() * 14) }, (_, i) => {
        const shuffled = [...stores].sort(() => rand() - 0.5);
        return { id: i + 1, stores: shuffled.slice(0, 3) };
      });
      const quads = new Map(regions.map((r) => [r.id, Math.floor(rand() < 0.3 ? rand() * 100_000 : rand() * 3000)]));
      const before = perStore(stores, regions, quads);
      const { regions: after, moves } = settle(stores, regions, quads);
      const { count, size } = perStore(stores, after, quads);
      expect(Math.max(...count) - Math.min(...count), `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(after.every((r) => new Set(r.stores).size === r.stores.length), `seed ${seed}: a region got two replicas on one store`).toBe(true);
      const squares = (xs: number[]) => xs.reduce((a, x) => a + x * x, 0);
      if (Math.max(...before.count) - Math.min(...before.count) <= 1) expect(squares(size), `seed ${seed}`).toBeLessThanOrEqual(squares(before.size));
      expect(moves.length, `seed ${seed}`).toBeLessThan(100);
      weightMoves += moves.filter((m) => m.reason === 'weight').length;
    }
    // The layouts are uneven enough that the size rule had work to do, not only the count rule.
    expect(weightMoves).toBeGreaterThan(50);
  });
});

describe('planBalanceMove: leaders', () => {
  const regions = [{ id: 1, stores: [1, 2, 3] }, { id: 2, stores: [1, 2, 3] }, { id: 3, stores: [1, 2, 3] }, { id: 4, stores: [1, 2, 3] }];
  const stores = [1, 2, 3];

  it('spreads leader counts first, then write load, within the stores holding a replica', () => {
    const crowded = new Map([[1, 1], [2, 1], [3, 1], [4, 2]]);
    expect(planBalanceMove(stores, leaderHoldings(regions, stores, crowded, new Map()), tol)).toMatchObject({ from: 1, to: 3, reason: 'count' });
    // Counts 2,1,1 (within one); store 1 leads both busy regions.
    const spread = new Map([[1, 1], [2, 1], [3, 2], [4, 3]]);
    const qps = new Map([[1, 4000], [2, 3000], [3, 100], [4, 100]]);
    expect(planBalanceMove(stores, leaderHoldings(regions, stores, spread, qps), tol)).toMatchObject({ region: 2, from: 1, reason: 'weight' });
    // Without write rates for every region, or with loads within the tolerance, nothing moves.
    expect(planBalanceMove(stores, leaderHoldings(regions, stores, spread, new Map([[1, 4000]])), tol)).toBeUndefined();
    expect(planBalanceMove(stores, leaderHoldings(regions, stores, spread, new Map([[1, 100], [2, 100], [3, 100], [4, 100]])), tol)).toBeUndefined();
  });

  it('never hands a leadership to a store without a replica of the region', () => {
    const two = [{ id: 1, stores: [1, 2] }, { id: 2, stores: [1, 2] }, { id: 3, stores: [1, 2] }];
    const m = planBalanceMove([1, 2, 3], leaderHoldings(two, [1, 2, 3], new Map([[1, 1], [2, 1], [3, 1]]), new Map()), tol);
    expect(m).toMatchObject({ from: 1, to: 2, reason: 'count' });
  });
});
