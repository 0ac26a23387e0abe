import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../memory-storage';
import type { Storage } from '../storage';
import type { Entry } from '../types';
import { RaftLogEngine } from './raft-log-engine';
import { withTempDir } from './testing/temp-dir';

/**
 * The on-disk Storage must be a drop-in for the core's MemoryStorage: same answers and same
 * errors for the same sequence of appends, compactions, snapshots and hard states.
 */
const step = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), back: fc.nat(3), count: fc.integer({ min: 1, max: 4 }), term: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('compact' as const), at: fc.integer({ min: -1, max: 6 }) }),
  fc.record({ kind: fc.constant('snapshot' as const), ahead: fc.integer({ min: -2, max: 3 }) }),
  fc.record({ kind: fc.constant('createSnapshot' as const), back: fc.nat(3) }),
  fc.record({ kind: fc.constant('hardState' as const), term: fc.nat(5), commit: fc.nat(10) }),
);

/** The disk log prefixes its own (non-RaftError) messages with the group, for multi-Raft logs. */
function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/^group \d+: /, '');
}

/** Result of a call as comparable data: the value, or the error message. */
function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: message(e) };
  }
}

function view(s: Storage) {
  const first = s.firstIndex();
  const last = s.lastIndex();
  const probes = [first - 2, first - 1, first, last, last + 1];
  return {
    first,
    last,
    initial: s.initialState(),
    terms: probes.map((i) => outcome(() => s.term(i))),
    entries: [
      outcome(() => s.entries(first, last + 1, Number.MAX_SAFE_INTEGER).map((e) => [e.index, e.term, e.type, Array.from(e.data)])),
      outcome(() => s.entries(first, last + 1, 30).length),
      outcome(() => s.entries(first - 1, last + 1, 100).length),
      outcome(() => s.entries(first, last + 2, 100).length),
    ],
    snapshot: s.snapshot().metadata,
  };
}

describe('parity with the core MemoryStorage', () => {
  it('answers and fails exactly like MemoryStorage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25, size: 'max' }), async (steps) => {
        await withTempDir(async (dir) => {
          const engine = await RaftLogEngine.open(dir, { segmentBytes: 1024, cacheBytes: 64 });
          const disk = engine.group(1);
          const mem = new MemoryStorage();
          const cs = { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
          try {
            for (const s of steps) {
              const last = mem.lastIndex();
              if (s.kind === 'append') {
                const first = Math.max(1, last + 1 - s.back);
                const ents: Entry[] = Array.from({ length: s.count }, (_, k) => ({
                  term: s.term,
                  index: first + k,
                  type: 'normal',
                  data: new Uint8Array([first + k, s.term]),
                }));
                mem.append(ents);
                await disk.append(ents);
              } else if (s.kind === 'compact') {
                const i = mem.firstIndex() + s.at;
                const m = outcome(() => mem.compact(i));
                const d = await disk.compact(i).then(
                  () => ({ ok: undefined }),
                  (e: unknown) => ({ error: message(e) }),
                );
                expect(d).toEqual(m);
              } else if (s.kind === 'snapshot') {
                const snap = { metadata: { index: last + s.ahead, term: 9, confState: cs }, data: new Uint8Array([7]) };
                const m = outcome(() => mem.applySnapshot(snap));
                const d = await disk.applySnapshot(snap).then(
                  () => ({ ok: undefined }),
                  (e: unknown) => ({ error: message(e) }),
                );
                expect(d).toEqual(m);
              } else if (s.kind === 'createSnapshot') {
                const i = last - s.back;
                const m = outcome(() => mem.createSnapshot(i, cs, new Uint8Array([1])).metadata);
                if ('ok' in m) expect((await disk.createSnapshot(i, cs, new Uint8Array([1]))).metadata).toEqual(m.ok);
              } else {
                const hs = { term: s.term, vote: 1, commit: s.commit };
                mem.setHardState(hs);
                await disk.setHardState(hs);
              }
              expect(view(disk)).toEqual(view(mem));
            }
          } finally {
            await engine.close();
          }
        });
      }),
      { numRuns: 30 },
    );
  });
});
