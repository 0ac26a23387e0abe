import type { Quad, Term } from '@quarry/rdf';
import type { QuadPattern } from '@quarry/storage';
import { quadKey } from './support';

/** The obvious, slow MVCC quad store the real one is checked against. */
export class ReferenceStore {
  /** quad key -> versions (ts ascending) with op. */
  private readonly versions = new Map<string, { quad: Quad; history: { ts: bigint; insert: boolean }[] }>();

  apply(ts: bigint, inserts: Quad[], deletes: Quad[]): void {
    // deletes first, then inserts: a quad in both lists ends up present
    for (const [list, insert] of [
      [deletes, false],
      [inserts, true],
    ] as const) {
      for (const q of list) {
        const key = quadKey(q);
        const entry = this.versions.get(key) ?? { quad: q, history: [] };
        const same = entry.history.find((h) => h.ts === ts);
        if (same) same.insert = same.insert || insert;
        else entry.history.push({ ts, insert });
        entry.history.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
        this.versions.set(key, entry);
      }
    }
  }

  visible(readTs: bigint): Quad[] {
    const out: Quad[] = [];
    for (const { quad, history } of this.versions.values()) {
      const latest = history.filter((h) => h.ts <= readTs).pop();
      if (latest?.insert) out.push(quad);
    }
    return out;
  }

  match(pattern: QuadPattern, readTs: bigint): string[] {
    const eq = (t: Term | undefined, v: Term): boolean => t === undefined || t.equals(v);
    return this.visible(readTs)
      .filter((q) => eq(pattern.s, q.subject) && eq(pattern.p, q.predicate) && eq(pattern.o, q.object) && eq(pattern.g, q.graph))
      .map(quadKey)
      .sort();
  }
}
