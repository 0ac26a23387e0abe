import { restoreConfig } from './confchange/restore';
import { switchToConfig } from './conf';
import { RaftError } from './errors';
import { CONFLICTS_WITH_COMMITTED } from './raft-log';
import type { Raft } from './raft';
import { isEmptySnapshot, msg, payloadSize, type Entry, type Message, type Snapshot } from './types';

/**
 * Log replication: what the leader sends to followers and how followers handle it.
 */

/** Leader: commit what a (joint) quorum acknowledged, if it is of the current term. */
export function maybeCommit(r: Raft): boolean {
  return r.raftLog.maybeCommit(r.trk.committed(), r.term);
}

export function sendAppend(r: Raft, to: number): void {
  maybeSendAppend(r, to, true);
}

function bytesOf(ents: readonly Entry[]): number {
  let s = 0;
  for (const e of ents) s += payloadSize(e);
  return s;
}

/**
 * Sends the follower the entries it lacks (or a snapshot if they are compacted), unless flow
 * control pauses it. With sendIfEmpty=false nothing is sent when there are no new entries
 * (used to fill the pipeline after an ack). Returns whether a message was sent.
 */
export function maybeSendAppend(r: Raft, to: number, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = r.raftLog.term(prevIndex);
  let ents: Entry[] | undefined;
  if (prevTerm !== undefined) {
    // A throttled replicating follower only gets an empty MsgApp (sent after a heartbeat
    // response unpaused it): if every in-flight message was lost, its ack or rejection is
    // what clears the window, so replication cannot stall.
    ents = pr.state === 'StateReplicate' && pr.inflights.full() ? [] : r.raftLog.entries(pr.next, r.maxMsgSize);
  }
  if (ents !== undefined && ents.length === 0 && !sendIfEmpty) return false;

  if (prevTerm === undefined || ents === undefined) {
    // The follower needs entries we compacted: send the snapshot instead.
    if (!pr.recentActive) {
      r.logger.debug(`ignore sending snapshot to ${to} since it is not recently active`);
      return false;
    }
    let snapshot: Snapshot;
    try {
      snapshot = r.raftLog.snapshot();
    } catch (e) {
      if (e instanceof RaftError && e.code === 'ErrSnapshotTemporarilyUnavailable') {
        r.logger.debug(`${r.id} failed to send snapshot to ${to} because snapshot is temporarily unavailable`);
        return false;
      }
      throw e;
    }
    if (isEmptySnapshot(snapshot)) throw new Error('need non-empty snapshot');
    const sindex = snapshot.metadata.index;
    r.logger.debug(
      `${r.id} [firstindex: ${r.raftLog.firstIndex()}, commit: ${r.raftLog.committed}] sent snapshot[index: ${sindex}, term: ${snapshot.metadata.term}] to ${to} [${pr.toString()}]`,
    );
    pr.becomeSnapshot(sindex);
    r.send(msg({ type: 'MsgSnap', to, snapshot }));
    return true;
  }

  r.send(msg({ type: 'MsgApp', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: r.raftLog.committed }));
  pr.sentEntries(ents.length, bytesOf(ents));
  return true;
}

/** Heartbeat; the commit is capped at the follower's match so it never commits what it may lack. */
export function sendHeartbeat(r: Raft, to: number, ctx: Uint8Array | undefined): void {
  const pr = r.trk.progress.get(to);
  const commit = Math.min(pr ? pr.match : 0, r.raftLog.committed);
  r.send(msg({ type: 'MsgHeartbeat', to, commit, context: ctx }));
}

export function bcastAppend(r: Raft): void {
  r.trk.visit((id) => {
    if (id !== r.id) sendAppend(r, id);
  });
}

export function bcastHeartbeat(r: Raft): void {
  bcastHeartbeatWithCtx(r, r.readOnly.lastPendingRequestCtx());
}

export function bcastHeartbeatWithCtx(r: Raft, ctx: Uint8Array | undefined): void {
  r.trk.visit((id) => {
    if (id !== r.id) sendHeartbeat(r, id, ctx);
  });
}

export function sendTimeoutNow(r: Raft, to: number): void {
  r.send(msg({ type: 'MsgTimeoutNow', to }));
}

/** Follower: MsgApp from the leader. */
export function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.raftLog.committed) {
    // Everything up to our commit is known to match; tell the leader where we are.
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed }));
    return;
  }
  const lastNew = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew === CONFLICTS_WITH_COMMITTED) return; // bogus leader message: drop it
  if (lastNew !== undefined) {
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: lastNew }));
    return;
  }
  r.logger.debug(
    `${r.id} [logterm: ${r.raftLog.zeroTermOnOutOfRange(m.index)}, index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] from ${m.from}`,
  );
  // Fast backoff hint: the largest index <= m.index whose term is <= m.logTerm. Every entry
  // above it either is missing or has a higher term, so cannot match the leader's m.logTerm.
  const hint = r.raftLog.findConflictByTerm(Math.min(m.index, r.raftLog.lastIndex()), m.logTerm);
  r.send(msg({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term }));
}

export function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(Math.min(m.commit, r.raftLog.lastIndex()));
  r.send(msg({ type: 'MsgHeartbeatResp', to: m.from, context: m.context }));
}

export function handleSnapshot(r: Raft, m: Message): void {
  const s = m.snapshot;
  if (s === undefined) {
    r.logger.warn(`${r.id} ignored MsgSnap without snapshot from ${m.from}`);
    return;
  }
  if (restoreSnapshot(r, s)) {
    r.logger.info(`${r.id} [commit: ${r.raftLog.committed}] restored snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`);
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: r.raftLog.lastIndex() }));
  } else {
    r.logger.info(`${r.id} [commit: ${r.raftLog.committed}] ignored snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`);
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed }));
  }
}

/**
 * Installs a snapshot into the log and the configuration. Returns false if the snapshot is
 * old, matches our log (then we just fast-forward the commit), or is unusable.
 */
export function restoreSnapshot(r: Raft, s: Snapshot): boolean {
  if (s.metadata.index <= r.raftLog.committed) return false;
  if (r.state !== 'StateFollower') {
    // Defence in depth: only followers get snapshots; never let a leader wipe its log.
    r.logger.warn(`${r.id} attempted to restore snapshot as leader; should never happen`);
    r.becomeFollower(r.term + 1, 0);
    return false;
  }
  const cs = s.metadata.confState;
  const found = cs.voters.includes(r.id) || cs.learners.includes(r.id) || cs.votersOutgoing.includes(r.id);
  if (!found) {
    r.logger.warn(`${r.id} attempted to restore snapshot but it is not in the ConfState; should never happen`);
    return false;
  }
  if (r.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
    // We already have the entry: keep our log, just commit up to it.
    r.raftLog.commitTo(s.metadata.index);
    return false;
  }
  const restored = restoreConfig(r.trk, cs, s.metadata.index);
  if (restored instanceof Error) {
    r.logger.warn(`${r.id} ignored snapshot with invalid conf state: ${restored.message}`);
    return false;
  }
  r.raftLog.restore(s);
  switchToConfig(r, restored.config, restored.progress);
  const pr = r.trk.progress.get(r.id);
  pr?.maybeUpdate(pr.next - 1);
  return true;
}
