import { RawNode, type ConfState, type RaftConfig, type Storage } from '@quarry/raft';
import { PendingRequests } from './pending-requests';
import type { GroupStateMachine } from './state-machine';

/** One replica of one Raft group inside a multi-Raft host. */
export class GroupReplica {
  readonly proposals = new PendingRequests<unknown>();
  readonly reads = new PendingRequests<void>();
  /** Read-index requests whose index is known, waiting for apply to catch up. */
  readonly readsAwaitingApply: { key: number; index: number }[] = [];
  applied: number;
  confState: ConfState;
  leader = 0;
  /** Not ticking until something wakes it (see quiescence.ts); maintained by the host. */
  quiesced = false;
  /** Snapshot index of the last local snapshot (for deciding when to take the next). */
  snapshotIndex: number;

  constructor(
    readonly groupId: number,
    readonly node: RawNode,
    readonly storage: Storage & { compact(i: number): Promise<void>; createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array): Promise<unknown> },
    readonly sm: GroupStateMachine,
    applied: number,
    confState: ConfState,
  ) {
    this.applied = applied;
    this.snapshotIndex = applied;
    this.confState = confState;
  }

  static create(groupId: number, config: RaftConfig, storage: GroupReplica['storage'], sm: GroupStateMachine, applied: number, confState: ConfState): GroupReplica {
    return new GroupReplica(groupId, new RawNode(config), storage, sm, applied, confState);
  }

  get isLeader(): boolean {
    return this.node.raft.id === this.leader;
  }

  /** Resolves read-index requests whose index the state machine has now reached. */
  releaseReads(): void {
    let kept = 0;
    for (const r of this.readsAwaitingApply) {
      if (r.index <= this.applied) this.reads.resolve(r.key, undefined);
      else this.readsAwaitingApply[kept++] = r;
    }
    this.readsAwaitingApply.length = kept;
  }
}
