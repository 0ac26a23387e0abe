/**
 * The balancing decision as a pure function, in the style of PD's balance schedulers: given
 * what each store holds (replicas, or leaderships) and how heavy each holding is (quads, or
 * written quads per second), the one move to make next, or none.
 *
 * Two rules, the first primary:
 * 1. count: while the most and least loaded stores differ by more than one holding, move one
 *    from a most to a least loaded store. Among the possible moves it takes the one that best
 *    evens the weights too (the smallest increase, or biggest decrease, of the sum of squared
 *    store weights).
 * 2. weight: once counts are within one, move a holding from a heavy store to a light one when
 *    their gap exceeds the tolerance (a share of the mean store weight, and an absolute floor)
 *    and the holding is lighter than the gap, so the pair's gap strictly shrinks. A move that
 *    would leave counts more than one apart is only started as the first half of a swap: when
 *    the light store has a holding that rule 1 can send back whose weight keeps the swap a
 *    strict improvement.
 *
 * Why it never oscillates (static weights): every weight move, and every swap completed by
 * rule 1, strictly lowers the sum of squared store weights, and rule 1 picks the move that
 * lowers it most, so it never undoes the first half of a swap while a better move exists
 * (the one that motivated the swap). A strictly falling potential over finitely many states
 * ends. The tolerance keeps noisy weights (write rates) from starting moves for small gains.
 */

export interface Holding {
  region: number;
  /** The store holding it now. */
  from: number;
  /** Quads, or written quads per second; undefined when not measured yet. */
  weight: number | undefined;
  /** Stores it may move to (for a replica: live stores without one; for a leadership: the other replicas). */
  targets: number[];
}

export interface BalanceTolerance {
  /** A weight gap must exceed this share of the mean store weight (0.2 = 20 %). */
  ratio: number;
  /** …and this absolute amount (so near-empty clusters do not shuffle). */
  floor: number;
}

export interface BalanceMove {
  region: number;
  from: number;
  to: number;
  reason: 'count' | 'weight';
  /** Store weights before the move, for the event and the log. */
  fromWeight: number;
  toWeight: number;
}

interface Tally {
  count: Map<number, number>;
  weight: Map<number, number>;
}

function tally(stores: number[], holdings: Holding[]): Tally {
  const count = new Map(stores.map((s) => [s, 0]));
  const weight = new Map(stores.map((s) => [s, 0]));
  for (const h of holdings) {
    if (!count.has(h.from)) continue; // on a store leaving the cluster: repair's business
    count.set(h.from, count.get(h.from)! + 1);
    weight.set(h.from, weight.get(h.from)! + (h.weight ?? 0));
  }
  return { count, weight };
}

/** Change of the sum of squared store weights when `q` moves from a store of weight a to one of weight b. */
const squaresDelta = (q: number, a: number, b: number): number => 2 * q * (q - (a - b));

const move = (h: Holding, to: number, reason: BalanceMove['reason'], t: Tally): BalanceMove => ({ region: h.region, from: h.from, to, reason, fromWeight: t.weight.get(h.from)!, toWeight: t.weight.get(to)! });

/** The next balancing move among `stores` (live, not leaving), or undefined when balanced. */
export function planBalanceMove(stores: number[], holdings: Holding[], tolerance: BalanceTolerance): BalanceMove | undefined {
  if (stores.length < 2) return undefined;
  const t = tally(stores, holdings);
  const counts = [...t.count.values()];
  const most = Math.max(...counts);
  const least = Math.min(...counts);
  const w = (h: Holding): number => h.weight ?? 0;

  if (most - least > 1) {
    let best: { h: Holding; to: number; delta: number } | undefined;
    for (const h of holdings) {
      if (t.count.get(h.from) !== most) continue;
      for (const to of h.targets) {
        if (t.count.get(to) !== least) continue;
        const delta = squaresDelta(w(h), t.weight.get(h.from)!, t.weight.get(to)!);
        if (!best || delta < best.delta || (delta === best.delta && (h.region < best.h.region || (h.region === best.h.region && to < best.to)))) best = { h, to, delta };
      }
    }
    return best && move(best.h, best.to, 'count', t);
  }

  // Weights move only when every holding's weight is known: an unmeasured one could be the heaviest.
  if (holdings.some((h) => h.weight === undefined && t.count.has(h.from))) return undefined;
  const total = [...t.weight.values()].reduce((a, b) => a + b, 0);
  const threshold = Math.max(tolerance.floor, (tolerance.ratio * total) / stores.length);
  const byHolder = new Map<number, Holding[]>();
  for (const h of holdings) byHolder.set(h.from, [...(byHolder.get(h.from) ?? []), h]);
  let best: { h: Holding; to: number; delta: number } | undefined;
  for (const h of holdings) {
    const a = t.weight.get(h.from);
    if (a === undefined || w(h) <= 0) continue;
    for (const to of h.targets) {
      const b = t.weight.get(to);
      if (b === undefined || a - b <= threshold || w(h) >= a - b) continue;
      let delta = squaresDelta(w(h), a, b);
      if (t.count.get(h.from)! <= t.count.get(to)!) {
        // Counts would end two apart: only worth it as a swap with a lighter holding of `to`
        // that rule 1 can move back to h.from, and then it counts as the swap's total change.
        const back = (byHolder.get(to) ?? []).filter((x) => x.region !== h.region && x.targets.includes(h.from) && w(x) < w(h) && w(h) - w(x) < a - b);
        if (back.length === 0) continue;
        delta = Math.min(...back.map((x) => squaresDelta(w(h) - w(x), a, b)));
      }
      if (!best || delta < best.delta || (delta === best.delta && (h.region < best.h.region || (h.region === best.h.region && to < best.to)))) best = { h, to, delta };
    }
  }
  return best && move(best.h, best.to, 'weight', t);
}

/** Replicas as holdings: each may move to a live store without a replica of its region. Weight: the region's quads. */
export function replicaHoldings(regions: { id: number; stores: number[] }[], stores: number[], quads: Map<number, number>): Holding[] {
  return regions.flatMap((r) => r.stores.map((from) => ({ region: r.id, from, weight: quads.get(r.id), targets: stores.filter((s) => !r.stores.includes(s)) })));
}

/** Leaderships as holdings: each may move to another replica of its region. Weight: the region's written quads per second. */
export function leaderHoldings(regions: { id: number; stores: number[] }[], stores: number[], leaderOf: Map<number, number>, writeQps: Map<number, number>): Holding[] {
  return regions.flatMap((r) => {
    const from = leaderOf.get(r.id);
    return from === undefined ? [] : [{ region: r.id, from, weight: writeQps.get(r.id), targets: r.stores.filter((s) => s !== from && stores.includes(s)) }];
  });
}
