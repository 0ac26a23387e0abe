import { msg, type RaftError } from '@quarry/raft';
import type { GroupReplica } from './group-replica';
import { followerMayQuiesce, leaderCanQuiesce, peerStores } from './quiescence';
import type { GroupMessage } from './raft-wire';
import { StoreLiveness } from './store-liveness';

export interface GroupSchedulerOptions {
  storeId: number;
  heartbeatTick: number;
  electionTick: number;
  /** Quiesce idle groups at all (a kill switch: with false every group ticks). */
  quiesce: boolean;
  stats: { quiesces: number; wakes: number };
}

/**
 * Decides which groups of a host tick: every group but the quiesced ones (quiescence.ts).
 * Owns the store liveness that stands in for the heartbeats of quiesced groups, and wakes a
 * quiesced group for anything that needs it: a local request, a Raft message other than the
 * quiesce handshake, or the loss of a store holding one of its replicas.
 */
export class GroupScheduler {
  private readonly ticking = new Set<GroupReplica>();
  readonly liveness: StoreLiveness;

  constructor(private readonly opts: GroupSchedulerOptions) {
    this.liveness = new StoreLiveness(opts.heartbeatTick, opts.electionTick);
  }

  /** Groups to tick this round. */
  get awake(): ReadonlySet<GroupReplica> {
    return this.ticking;
  }

  add(g: GroupReplica): void {
    if (!g.quiesced) this.ticking.add(g);
  }

  remove(g: GroupReplica): void {
    this.ticking.delete(g);
  }

  /**
   * Advances store liveness one tick; wakes the quiesced groups of stores that just fell
   * silent. Returns the stores due a store heartbeat.
   */
  tickStores(groups: Iterable<GroupReplica>): number[] {
    const { lost, due } = this.liveness.tick();
    if (lost.length) {
      for (const g of groups) if (g.quiesced && peerStores(g, this.opts.storeId).some((s) => lost.includes(s))) this.wake(g);
    }
    return due;
  }

  /** Called after ticking a led group: quiesces it if nothing is in flight. */
  maybeQuiesceLeader(g: GroupReplica, hasQueuedProposals: boolean): void {
    if (!this.opts.quiesce || hasQueuedProposals || !leaderCanQuiesce(g, this.liveness)) return;
    this.quiesce(g);
    this.stats.quiesces++;
    for (const store of peerStores(g, this.opts.storeId)) this.liveness.watch(store);
    // A last heartbeat round: heartbeats of a quiesced group carry the quiesce flag (see
    // MultiRaftHost.send), and the followers quiesce on it.
    g.node.raft.step(msg({ type: 'MsgBeat', from: this.opts.storeId }));
  }

  /**
   * Makes a quiesced group tick again. A follower first catches up the ticks during which its
   * leader's store has been silent, so its election timer stands where it would had it ticked
   * all along (Raft counts ticks since the leader was last heard).
   */
  wake(g: GroupReplica): void {
    if (!g.quiesced) return;
    g.quiesced = false;
    this.ticking.add(g);
    this.stats.wakes++;
    const r = g.node.raft;
    if (r.state !== 'StateLeader' && r.lead !== 0) {
      const missed = Math.min(this.liveness.silentFor(r.lead), 2 * this.opts.electionTick);
      for (let i = 0; i < missed; i++) g.node.tick();
    }
  }

  /**
   * Steps a message received from the network into its group. A quiesced group stays quiesced
   * only for its leader's quiesce heartbeat (follower) and its followers' plain heartbeat
   * responses (leader) that leave it nothing to do; anything else wakes it first.
   */
  step(g: GroupReplica, gm: GroupMessage): RaftError | undefined {
    const m = gm.message;
    const quiesceHeartbeat = m.type === 'MsgHeartbeat' && gm.quiesce === true && this.opts.quiesce;
    const quietResponse = m.type === 'MsgHeartbeatResp' && !m.context && g.node.raft.state === 'StateLeader';
    if (g.quiesced && !quiesceHeartbeat && !quietResponse) this.wake(g);
    const err = g.node.step(m);
    const r = g.node.raft;
    // A response from a follower that lacks entries makes the leader send them.
    if (g.quiesced && quietResponse && (r.state !== 'StateLeader' || r.msgs.length)) this.wake(g);
    if (quiesceHeartbeat) {
      if (!followerMayQuiesce(g, m)) this.wake(g);
      else if (!g.quiesced) {
        this.quiesce(g);
        this.stats.quiesces++;
        this.liveness.watch(m.from);
      }
    }
    return err;
  }

  private quiesce(g: GroupReplica): void {
    g.quiesced = true;
    this.ticking.delete(g);
  }

  private get stats(): GroupSchedulerOptions['stats'] {
    return this.opts.stats;
  }
}
