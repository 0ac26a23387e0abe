import { confChangeFromEntry, isEmptySnapshot, RaftError, type Entry, type Logger, type Ready } from '@quarry/raft';
import type { GroupReplica } from './group-replica';
import { ENVELOPE_BYTES, unwrap, type ProposalIds } from './proposal-envelope';
import type { GroupStateMachine } from './state-machine';

export interface ApplierOptions {
  snapshotEntries: number;
  compactionLag: number;
  logger?: Logger;
  onSnapshotInstalled?: (groupId: number, index: number) => void;
  stats: { snapshotsInstalled: number };
  /** Recognises this process's proposals and read contexts. */
  ids: ProposalIds;
}

/**
 * Index of the first committed entry of `rd` that is not yet durable on this replica: the
 * first of this pass's own new entries. Committed entries before it were written (and synced)
 * by an earlier pass, so they can be applied while this pass's write is still in flight.
 */
export function durablePrefixLength(rd: Ready): number {
  if (rd.snapshot && !isEmptySnapshot(rd.snapshot)) return 0;
  const firstNew = rd.entries.length ? rd.entries[0].index : Infinity;
  const ce = rd.committedEntries;
  let n = 0;
  // Conf changes and everything after them wait for the write: they may trigger a snapshot.
  while (n < ce.length && ce[n].index < firstNew && ce[n].type === 'normal') n++;
  return n;
}

/** Applies committed entries and snapshots of one group to its state machine. */
export class GroupApplier {
  constructor(private readonly opts: ApplierOptions) {}

  /**
   * Applies `rd.committedEntries` from `from` on (after the snapshot, if any), resolves the
   * proposals and reads it completes, and snapshots/compacts when due. `from` entries were
   * applied earlier by applyDurable.
   */
  async apply(g: GroupReplica, rd: Ready, from: number): Promise<void> {
    if (rd.snapshot && !isEmptySnapshot(rd.snapshot)) {
      await g.sm.restore(rd.snapshot.data);
      g.applied = rd.snapshot.metadata.index;
      g.snapshotIndex = g.applied;
      g.confState = rd.snapshot.metadata.confState;
      this.opts.stats.snapshotsInstalled++;
      this.opts.onSnapshotInstalled?.(g.groupId, g.applied);
    }
    for (const rs of rd.readStates) {
      const key = this.opts.ids.keyOf(rs.requestCtx);
      if (key !== undefined) g.readsAwaitingApply.push({ key, index: rs.index });
    }
    let run: Entry[] = [];
    let confChanged = false;
    const ce = rd.committedEntries;
    for (let i = from; i < ce.length; i++) {
      const e = ce[i];
      if (e.type === 'normal') run.push(e);
      else {
        await this.applyNormal(g, run);
        run = [];
        const cc = confChangeFromEntry(e);
        if (cc instanceof RaftError) this.opts.logger?.error(`group ${g.groupId}: bad conf change at ${e.index}: ${cc.message}`);
        else {
          const cs = g.node.applyConfChange(cc);
          if (!(cs instanceof RaftError)) {
            g.confState = cs;
            confChanged = true;
          }
        }
        g.applied = e.index;
      }
    }
    await this.applyNormal(g, run);
    g.releaseReads();
    // A snapshot sent to a new member must list it in its ConfState (the member refuses it
    // otherwise): after a membership change, snapshot at once rather than at the next interval.
    // A state machine whose shape changed (a region split or merged) asks for a snapshot too,
    // so a restart never replays that entry against a newer state of the other region.
    const asked = (g.sm as GroupStateMachine & { takeSnapshotRequest?(): boolean }).takeSnapshotRequest?.() === true;
    if (confChanged || asked || g.applied - g.snapshotIndex >= this.opts.snapshotEntries) await this.snapshotAndCompact(g);
  }

  /** Applies the first `n` committed entries of `rd`, all normal and already durable here. */
  async applyDurable(g: GroupReplica, rd: Ready, n: number): Promise<void> {
    if (n === 0) return;
    await this.applyNormal(g, n === rd.committedEntries.length ? rd.committedEntries : rd.committedEntries.slice(0, n));
  }

  /** Applies a run of normal entries in one state-machine call and answers their proposers. */
  private async applyNormal(g: GroupReplica, entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    // Empty entries (a new leader's no-op) carry no envelope and are not the state machine's.
    const run: Entry[] = [];
    for (const e of entries) if (e.data.length >= ENVELOPE_BYTES) run.push({ term: e.term, index: e.index, type: e.type, data: unwrap(e.data) });
    if (run.length) {
      const results = await g.sm.apply(run);
      for (let i = 0, j = 0; i < entries.length; i++) {
        const e = entries[i];
        if (e.data.length < ENVELOPE_BYTES) continue;
        const key = this.opts.ids.keyOf(e.data);
        if (key !== undefined) g.proposals.resolve(key, results[j]);
        j++;
      }
    }
    g.applied = entries[entries.length - 1].index;
  }

  private async snapshotAndCompact(g: GroupReplica): Promise<void> {
    const data = await g.sm.snapshot();
    await g.storage.createSnapshot(g.applied, g.confState, data);
    g.snapshotIndex = g.applied;
    const compactTo = g.applied - this.opts.compactionLag;
    if (compactTo > g.storage.firstIndex()) await g.storage.compact(compactTo);
  }
}
