import { NO_LIMIT } from '../limit-size';
import type { Entry } from '../types';
import { describeEntry } from '../testing/format';
import type { SimNode } from './sim-node';

/**
 * Raft's safety properties (Raft paper, Figure 3), checked over the live nodes after every
 * simulation step. Each check returns a violation message or undefined.
 */
export class SafetyChecker {
  /** term -> the one leader of that term ever observed. */
  private readonly leaders = new Map<number, number>();
  /** index -> entry applied there (by anyone), with the applier's term at that time. */
  private readonly applied = new Map<number, { term: number; data: Uint8Array; seenAtTerm: number }>();

  /** Election safety: at most one leader per term, over the whole run. */
  checkElectionSafety(nodes: readonly SimNode[]): string | undefined {
    for (const n of nodes) {
      const r = n.rn?.raft;
      if (!r || r.state !== 'StateLeader') continue;
      const prev = this.leaders.get(r.term);
      if (prev === undefined) this.leaders.set(r.term, n.id);
      else if (prev !== n.id) return `election safety: term ${r.term} has leaders ${prev} and ${n.id}`;
    }
    return undefined;
  }

  /** State machine safety: no two nodes apply different entries at one index. */
  recordApplied(node: SimNode, e: Entry): string | undefined {
    const prev = this.applied.get(e.index);
    if (prev === undefined) {
      this.applied.set(e.index, { term: e.term, data: e.data, seenAtTerm: node.rn?.raft.term ?? 0 });
      return undefined;
    }
    if (prev.term !== e.term || !bytesEqual(prev.data, e.data)) {
      return `state machine safety: node ${node.id} applied ${e.term}/${e.index} but ${prev.term}/${e.index} was applied before`;
    }
    return undefined;
  }

  /**
   * Log matching: if two logs have an entry with the same index and term, they are identical
   * in all entries up through that index (checked over the range both still hold).
   */
  checkLogMatching(nodes: readonly SimNode[]): string | undefined {
    const logs = nodes.filter((n) => n.rn).map((n) => ({ id: n.id, log: n.rn!.raft.raftLog }));
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const la = logs[a].log;
        const lb = logs[b].log;
        const lo = Math.max(la.firstIndex(), lb.firstIndex());
        const hi = Math.min(la.lastIndex(), lb.lastIndex());
        if (lo > hi) continue;
        const ea = la.slice(lo, hi + 1, NO_LIMIT);
        const eb = lb.slice(lo, hi + 1, NO_LIMIT);
        if (!ea || !eb) continue;
        // Highest index where the terms agree: everything at or below it must be identical.
        let top = -1;
        for (let i = ea.length - 1; i >= 0; i--) {
          if (ea[i].term === eb[i].term) {
            top = i;
            break;
          }
        }
        for (let i = 0; i <= top; i++) {
          if (ea[i].term !== eb[i].term || ea[i].type !== eb[i].type || !bytesEqual(ea[i].data, eb[i].data)) {
            return `log matching: nodes ${logs[a].id} and ${logs[b].id} agree on ${ea[top].term}/${ea[top].index} but differ at index ${ea[i].index}: ${describeEntry(ea[i])} vs ${describeEntry(eb[i])}`;
          }
        }
      }
    }
    return undefined;
  }

  /**
   * Leader completeness: a leader of a term later than the one in which an entry was known to
   * be committed has that entry (unless compacted into its snapshot).
   */
  checkLeaderCompleteness(nodes: readonly SimNode[]): string | undefined {
    for (const n of nodes) {
      const r = n.rn?.raft;
      if (!r || r.state !== 'StateLeader') continue;
      const first = r.raftLog.firstIndex();
      for (const [index, e] of this.applied) {
        if (index < first || r.term <= e.seenAtTerm) continue;
        const t = r.raftLog.term(index);
        if (t !== e.term) {
          return `leader completeness: leader ${n.id} (term ${r.term}) has ${t ?? 'nothing'} at index ${index}, committed entry has term ${e.term}`;
        }
      }
    }
    return undefined;
  }

  appliedCount(): number {
    return this.applied.size;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
