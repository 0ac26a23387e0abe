import fc from 'fast-check';
import { expect } from 'vitest';
import { ErrCompacted, ErrUnavailable } from '../../errors';
import type { Entry } from '../../types';
import { RaftLogEngine, type RaftLogEngineOptions } from '../raft-log-engine';
import { ReferenceLog } from './reference-log';

/**
 * Random sequences of appends (with conflicts and compacted prefixes),
 * compactions, snapshot installs, hard states, GC and reopen, over several interleaved groups,
 * must leave every group's Storage view equal to a trivial reference model. Tiny segments and a
 * tiny cache force segment rolls, GC and reads from disk.
 */
const GROUPS = 2;
const group = fc.integer({ min: 1, max: GROUPS });
export const op = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      group,
      back: fc.nat(4),
      count: fc.integer({ min: 1, max: 6 }),
      term: fc.integer({ min: 1, max: 9 }),
      size: fc.nat(60),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('compact' as const), group, frac: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('snapshot' as const), group, ahead: fc.integer({ min: -3, max: 4 }), term: fc.integer({ min: 1, max: 9 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hardState' as const), group, term: fc.nat(9), vote: fc.nat(3), commit: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gc' as const) }) },
);
export type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function payload(index: number, term: number, size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let k = 0; k < size; k++) data[k] = (index * 31 + term * 7 + k) & 0xff;
  return data;
}

function makeEntries(first: number, count: number, term: number, size: number): Entry[] {
  return Array.from({ length: count }, (_, k) => ({ term, index: first + k, type: 'normal' as const, data: payload(first + k, term, size) }));
}

/** Segments deleted by GC over all runs: the test asserts GC really happened. */
export const gcStats = { deletedSegments: 0 };

export async function runOps(dir: string, ops: Op[], options: RaftLogEngineOptions): Promise<void> {
  let engine = await RaftLogEngine.open(dir, options);
  const models = new Map<number, ReferenceLog>();
  const model = (g: number): ReferenceLog => models.get(g) ?? models.set(g, new ReferenceLog()).get(g)!;
  try {
    for (const o of ops) {
      if (o.kind === 'reopen') {
        await engine.close();
        engine = await RaftLogEngine.open(dir, options);
      } else if (o.kind === 'gc') {
        const gcr = await engine.gc();
        gcStats.deletedSegments += gcr.deletedSegments.length;
        if (process.env.DBG) console.log(gcr);
        if (process.env.DBG)
          console.log(engine.stats().segments, engine.state(1).log.oldestSegment(), engine.state(1).log.firstIndex(), engine.state(1).log.lastIndex());
      } else {
        const m = model(o.group);
        const log = engine.group(o.group);
        if (o.kind === 'append') {
          const first = Math.max(1, m.lastIndex() + 1 - o.back);
          const ents = makeEntries(first, o.count, o.term, o.size);
          await log.append(ents);
          m.append(ents);
        } else if (o.kind === 'compact') {
          if (m.lastIndex() <= m.baseIndex) {
            await expect(log.compact(m.baseIndex)).rejects.toBe(ErrCompacted);
            continue;
          }
          const i = m.baseIndex + 1 + Math.floor(o.frac * (m.lastIndex() - m.baseIndex - 1));
          await log.compact(i);
          m.compact(i);
        } else if (o.kind === 'snapshot') {
          const index = m.lastIndex() + o.ahead;
          const snap = {
            metadata: { index, term: o.term, confState: { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
            data: payload(index, o.term, 33),
          };
          if (index <= m.snapshotIndex) {
            await expect(log.applySnapshot(snap)).rejects.toThrow();
            continue;
          }
          await log.applySnapshot(snap);
          m.installSnapshot(index, o.term);
          expect(log.snapshot()).toEqual(snap);
        } else {
          const hs = { term: o.term, vote: o.vote, commit: o.commit };
          await log.setHardState(hs);
          m.hardState = hs;
        }
      }
      for (const [g, m] of models) checkGroup(engine, g, m);
    }
    await engine.close();
    engine = await RaftLogEngine.open(dir, options);
    for (const [g, m] of models) checkGroup(engine, g, m);
  } finally {
    await engine.close();
  }
}

function checkGroup(engine: RaftLogEngine, g: number, m: ReferenceLog): void {
  const log = engine.group(g);
  expect(log.firstIndex()).toBe(m.baseIndex + 1);
  expect(log.lastIndex()).toBe(m.lastIndex());
  expect(log.initialState().hardState).toEqual(m.hardState);
  for (let i = m.baseIndex; i <= m.lastIndex(); i++) expect(log.term(i)).toBe(m.term(i));
  if (m.baseIndex > 0) expect(() => log.term(m.baseIndex - 1)).toThrow(ErrCompacted);
  expect(() => log.term(m.lastIndex() + 1)).toThrow(ErrUnavailable);
  expect(() => log.entries(m.baseIndex, m.lastIndex() + 1, Infinity)).toThrow(ErrCompacted);
  expect(() => log.entries(m.baseIndex + 1, m.lastIndex() + 2, Infinity)).toThrow(ErrUnavailable);
  const all = log.entries(m.baseIndex + 1, m.lastIndex() + 1, Number.MAX_SAFE_INTEGER);
  expect(all.map((e) => [e.index, e.term, Buffer.from(e.data).toString('hex')])).toEqual(
    m.entries.map((e) => [e.index, e.term, Buffer.from(e.data).toString('hex')]),
  );
  if (m.entries.length > 1) {
    // A byte limit returns a non-empty prefix (etcd's limitSize: at least one entry).
    const limited = log.entries(m.baseIndex + 1, m.lastIndex() + 1, 100);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    let size = 0;
    limited.forEach((e, k) => {
      size += e.data.length + 24;
      if (k > 0) expect(size).toBeLessThanOrEqual(100);
    });
  }
}
