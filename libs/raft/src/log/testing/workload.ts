import type { Entry, EntryType } from '../../types';
import type { RaftLogEngine } from '../raft-log-engine';

/** Deterministic pseudo-random generator (mulberry32) so failures replay exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function entry(index: number, term: number, data: Uint8Array, type: EntryType = 'normal'): Entry {
  return { index, term, type, data };
}

const TYPES: EntryType[] = ['normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'confChange', 'confChangeV2'];

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = Math.floor(rand() * 256);
  return out;
}

/**
 * One multi-group batch: for a random subset of groups, append a few entries (sometimes
 * overwriting the last ones with a higher term) and update the hard state.
 */
export async function writeRandomBatch(engine: RaftLogEngine, rand: () => number, groups: number): Promise<void> {
  const batch = engine.newBatch();
  for (let g = 1; g <= groups; g++) {
    if (rand() < 0.4) continue;
    const log = engine.group(g);
    const last = log.lastIndex();
    const back = rand() < 0.2 ? Math.min(2, last - log.firstIndex() + 1) : 0;
    const term = (last === 0 ? 1 : log.term(last)) + (back > 0 ? 1 : 0);
    const n = 1 + Math.floor(rand() * 4);
    const ents = Array.from({ length: n }, (_, k) =>
      entry(last + 1 - back + k, term, randomBytes(rand, Math.floor(rand() * 120)), TYPES[Math.floor(rand() * TYPES.length)]),
    );
    batch.append(g, ents);
    batch.setHardState(g, { term, vote: g, commit: Math.max(0, last - 3) });
  }
  await engine.write(batch);
}
