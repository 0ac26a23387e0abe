import { isJoint, type Message } from '@quarry/raft';
import type { GroupReplica } from './group-replica';
import type { StoreLiveness } from './store-liveness';

/**
 * When a group may stop ticking (CockroachDB's quiescence, TiKV's hibernate regions). See
 * docs/adr/0012-quiescent-raft-groups.md. Quiescence only stops ticks: it never changes what
 * Raft decides, so safety does not depend on these checks, only liveness and idle cost do.
 */

/** Stores other than `self` holding a replica (voter or learner) of the group. */
export function peerStores(g: GroupReplica, self: number): number[] {
  const out: number[] = [];
  for (const id of g.node.raft.trk.progress.keys()) if (id !== self) out.push(id);
  return out;
}

/**
 * A leader may quiesce when nothing is in flight: every entry is committed, applied and
 * acknowledged by every replica; no proposal, read, conf change or transfer is pending; and
 * every replica's store is live (a group with a dead member keeps ticking, so CheckQuorum and
 * repairs behave as without quiescence).
 */
export function leaderCanQuiesce(g: GroupReplica, liveness: StoreLiveness): boolean {
  const r = g.node.raft;
  if (r.state !== 'StateLeader' || r.leadTransferee !== 0) return false;
  if (g.proposals.size || g.reads.size || g.readsAwaitingApply.length) return false;
  const log = r.raftLog;
  const last = log.lastIndex();
  if (log.committed !== last || log.applied !== last || g.applied !== last) return false;
  // Our own term's entry is committed (so reads after waking need no new one) and no conf
  // change is waiting to be applied or left (auto-leave proposes at apply time).
  if (log.zeroTermOnOutOfRange(last) !== r.term || r.pendingConfIndex > log.applied || isJoint(r.trk.config.voters)) return false;
  if (r.readOnly.pendingCount() || r.pendingReadIndexMessages.length || r.msgs.length || r.readStates.length) return false;
  const self = r.trk.progress.get(r.id);
  if (!self || self.isLearner) return false;
  for (const [id, pr] of r.trk.progress) {
    if (id === r.id) continue;
    if (pr.match !== last || pr.state !== 'StateReplicate' || !liveness.isLive(id)) return false;
  }
  return !g.node.hasReady();
}

/**
 * A follower quiesces on its leader's quiesce heartbeat (already stepped) if it agrees: same
 * term and leader, and it has the leader's commit index. Requests of its own in flight keep
 * it awake: their deadlines are checked by the tick loop.
 */
export function followerMayQuiesce(g: GroupReplica, hb: Message): boolean {
  const r = g.node.raft;
  if (r.state !== 'StateFollower' || r.term !== hb.term || r.lead !== hb.from) return false;
  if (r.raftLog.committed !== hb.commit) return false;
  return !(g.proposals.size || g.reads.size || g.readsAwaitingApply.length);
}
