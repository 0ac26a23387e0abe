import { describe, expect, it } from 'vitest';
import { LOGICAL_BITS, TimestampOracle, type OracleStore } from './timestamp-oracle';

class MemoryLimit implements OracleStore {
  limit = 0;
  saves = 0;
  async loadLimit(): Promise<number> {
    return this.limit;
  }
  async saveLimit(ms: number): Promise<void> {
    this.saves++;
    this.limit = ms;
  }
}

describe('TimestampOracle', () => {
  it('hands out strictly increasing timestamps, persisting a window ahead', async () => {
    const store = new MemoryLimit();
    let clock = 1_000_000;
    const tso = new TimestampOracle(store, () => clock);
    const seen: bigint[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 0) clock += 7;
      seen.push(await tso.next(1 + (i % 3), 1));
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(store.saves).toBeLessThan(5);
    expect(Number(seen.at(-1)! >> LOGICAL_BITS)).toBeLessThan(store.limit);
  });

  it('never goes backwards when the clock does or when leadership moves to a node with a slower clock', async () => {
    const store = new MemoryLimit();
    let clockA = 5_000_000;
    const a = new TimestampOracle(store, () => clockA);
    const fromA = await a.next(10, 1);
    clockA -= 60_000; // clock jumps back
    const afterJump = await a.next(1, 1);
    expect(afterJump).toBeGreaterThan(fromA);
    const b = new TimestampOracle(store, () => 4_000_000); // new leader, clock far behind
    const fromB = await b.next(1, 2);
    expect(fromB).toBeGreaterThan(afterJump);
    expect(Number(fromB >> LOGICAL_BITS)).toBeGreaterThan(5_000_000);
  });

  it('serialises concurrent requests without duplicates', async () => {
    const tso = new TimestampOracle(new MemoryLimit(), () => 42_000);
    const all = await Promise.all(Array.from({ length: 500 }, () => tso.next(2, 1)));
    const granted = new Set(all.flatMap((t) => [t, t + 1n]));
    expect(granted.size).toBe(1000);
  });

  it('rejects silly counts', () => {
    const tso = new TimestampOracle(new MemoryLimit());
    expect(() => tso.next(0, 1)).toThrow(/count/);
  });
});

describe('TimestampOracle window renewal', () => {
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

  function slowStore(clock: () => number = () => 0): { store: OracleStore; saves: { askedAt: number; done: () => void }[] } {
    const saves: { askedAt: number; done: () => void }[] = [];
    return { saves, store: { loadLimit: async () => 0, saveLimit: () => new Promise<void>((done) => saves.push({ askedAt: clock(), done })) } };
  }

  it('persists the next window ahead of time, so requests never wait for a slow Raft round', async () => {
    let clock = 1_000_000;
    const { store, saves } = slowStore(() => clock);
    const tso = new TimestampOracle(store, () => clock);
    const prepared = tso.prepare(1);
    await settle();
    saves[0].done();
    await prepared;
    let last = 0n;
    // 10 s of clock in steps of 100 ms; each renewal is answered only 1 s after it was asked for
    for (let step = 0; step < 100; step++) {
      clock += 100;
      let answered = false;
      const p = tso.next(1, 1).then((t) => {
        answered = true;
        return t;
      });
      await settle();
      expect(answered, `request at +${step * 100} ms waited`).toBe(true);
      const t = await p;
      expect(t).toBeGreaterThan(last);
      last = t;
      for (const s of saves) if (s.askedAt + 1000 <= clock) s.done();
    }
    expect(tso.stats.blockedRequests).toBe(0);
    expect(tso.stats.renewals).toBeGreaterThan(3);
  });

  it('makes requests wait only when the clock runs past the whole window before Raft answers', async () => {
    const { store, saves } = slowStore();
    let clock = 2_000_000;
    const tso = new TimestampOracle(store, () => clock);
    const first = tso.next(1, 1);
    await settle();
    saves[0].done();
    const t0 = await first;
    clock += 5000; // past the window; the renewal it triggers is not answered yet
    let answered = false;
    const waiting = tso.next(1, 1).then((t) => {
      answered = true;
      return t;
    });
    await settle();
    expect(answered).toBe(false);
    for (const s of saves.slice(1)) s.done();
    const t1 = await waiting;
    expect(t1).toBeGreaterThan(t0);
    expect(tso.stats.blockedRequests).toBeGreaterThan(0);
  });
});
