import {
  isEmptySnapshot,
  RaftError,
  SeededRng,
  type ConfChangeV2,
  type Logger,
  type Message,
  type Ready,
  type Snapshot,
} from '@quarry/raft';
import type { LogWriteBatch } from '@quarry/raft/log/log-write-batch';
import type { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import { durablePrefixLength, GroupApplier } from './group-applier';
import { GroupReplica } from './group-replica';
import { GroupScheduler } from './group-scheduler';
import { ProposalIds } from './proposal-envelope';
import { FragmentAssembler, fragment } from './raft-fragments';
import type { SnapshotPacer } from './snapshot-pacer';
import { decodeRaftBatch, encodeRaftBatch, type GroupMessage } from './raft-wire';
import type { RaftTransport } from './raft-transport';
import type { GroupStateMachine } from './state-machine';

export interface MultiRaftOptions {
  storeId: number;
  log: RaftLogEngine;
  transport: RaftTransport;
  /** Length of one logical tick. Election timeout = electionTick..2*electionTick ticks. */
  tickMs?: number;
  electionTick?: number;
  heartbeatTick?: number;
  /** Take a state-machine snapshot and compact the log after this many applied entries (default 100,000). */
  snapshotEntries?: number;
  /** Entries kept behind a snapshot so slightly lagging followers need no snapshot. */
  compactionLag?: number;
  proposalTimeoutMs?: number;
  /**
   * Idle groups stop ticking and heartbeating (default true); one store heartbeat per store
   * pair stands in for them. See quiescence.ts and docs/adr/0012-quiescent-raft-groups.md.
   */
  quiesce?: boolean;
  logger?: Logger;
  /** Told when a replica's state was replaced by a leader's snapshot (operators want to know). */
  onSnapshotInstalled?: (groupId: number, index: number) => void;
  /** Paces outgoing snapshots (bandwidth limit shared by all groups); unset = sent at once. */
  snapshotPacer?: SnapshotPacer;
}

/** groupTicks: group ticks processed (a quiesced group costs none). */
const QUIESCENCE_STATS = { groupTicks: 0, quiesces: 0, wakes: 0, storeHeartbeatsSent: 0 };

/** Messages a leader may send before its own log write is durable. */
const isLeaderTraffic = (m: Message): boolean => m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';

/**
 * Timing for hosts with many groups (storage nodes): heartbeats every 300 ms, elections after
 * 1-2 s. Idle groups cost a third of what the metadata group's fast settings (50 ms ticks,
 * 100 ms heartbeats, 0.5-1 s elections) would; a region's failover still takes under ~2 s.
 */
export const REGION_RAFT_TIMING = { tickMs: 100, electionTick: 10, heartbeatTick: 3 } as const;

/** The state every group starts from (TiKV does the same with index 5): identical on all replicas. */
export const BOOTSTRAP_INDEX = 5;

export class RaftUnavailableError extends Error {
  constructor(
    message: string,
    readonly leaderHint = 0,
  ) {
    super(message);
    this.name = 'RaftUnavailableError';
  }
}

export class UnknownGroupError extends Error {}

/**
 * Hosts many Raft groups in one process: one tick loop for all of them, one fsync per Ready
 * pass for all of them (LogWriteBatch), one NATS message per destination store per pass with
 * heartbeats coalesced.
 */
export class MultiRaftHost {
  private readonly groups = new Map<number, GroupReplica>();
  private readonly dirty = new Set<GroupReplica>();
  private readonly ids = new ProposalIds();
  private readonly fragments = new FragmentAssembler();
  /** Proposals waiting for the next Ready pass: one MsgProp (and one append) per group per pass. */
  private readonly queued = new Map<GroupReplica, { key: number; data: Uint8Array }[]>();
  private readonly opts: Required<Omit<MultiRaftOptions, 'logger' | 'onSnapshotInstalled' | 'snapshotPacer'>> & Pick<MultiRaftOptions, 'logger' | 'onSnapshotInstalled' | 'snapshotPacer'>;
  private ticker?: NodeJS.Timeout;
  private driving = false;
  /** Log segment GC runs inside the Ready loop, never beside a write. */
  private gcDueAt = Date.now() + 10_000;
  private again = false;
  private stopped = false;
  /** Closed groups whose log records are to be destroyed between two Ready passes. */
  private readonly destroying = new Map<number, { resolve: () => void; reject: (e: unknown) => void }[]>();
  /** Counters exported as metrics by the service. */
  readonly stats = { readyPasses: 0, fsyncBatches: 0, batchesSent: 0, malformedBatches: 0, proposals: 0, snapshotsInstalled: 0, ...QUIESCENCE_STATS };
  private readonly applier: GroupApplier;
  private readonly scheduler: GroupScheduler;

  constructor(opts: MultiRaftOptions) {
    this.opts = {
      tickMs: 50,
      electionTick: 10,
      heartbeatTick: 2,
      // etcd's defaults (--snapshot-count 100,000; 5,000 entries kept for catch-up): a snapshot
      // serialises the whole state machine inside the Ready loop, stalling every replica at
      // the same index, so it should be rare; replaying 100k entries at start takes ~1 s.
      snapshotEntries: 100_000,
      compactionLag: 5_000,
      proposalTimeoutMs: 5_000,
      quiesce: true,
      ...opts,
    };
    this.applier = new GroupApplier({ ...this.opts, stats: this.stats, ids: this.ids });
    this.scheduler = new GroupScheduler({ ...this.opts, stats: this.stats });
  }

  get storeId(): number {
    return this.opts.storeId;
  }

  start(): void {
    this.opts.transport.listen(this.opts.storeId, (data) => this.receive(data));
    this.ticker = setInterval(() => this.tick(), this.opts.tickMs);
  }

  /**
   * Opens (or creates) this store's replica of a group. `peers` bootstraps a brand-new group
   * whose log is empty; a replica added later by a membership change passes none and waits
   * for the leader's snapshot.
   */
  async openGroup(groupId: number, sm: GroupStateMachine, peers?: number[]): Promise<GroupReplica> {
    if (this.groups.has(groupId)) throw new Error(`group ${groupId} is already open`);
    const storage = this.opts.log.group(groupId);
    let snap = storage.snapshot();
    if (isEmptySnapshot(snap) && storage.lastIndex() === 0 && peers?.length) {
      const bootstrap: Snapshot = {
        metadata: { index: BOOTSTRAP_INDEX, term: BOOTSTRAP_INDEX, confState: { voters: [...peers].sort((a, b) => a - b), learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
        data: await sm.snapshot(),
      };
      // The hard state's term must not be below the log's last term, or the first leader's
      // entries (term 6+) would look older than the bootstrap entry.
      await this.opts.log.write(this.opts.log.newBatch().applySnapshot(groupId, bootstrap).setHardState(groupId, { term: BOOTSTRAP_INDEX, vote: 0, commit: BOOTSTRAP_INDEX }));
      snap = storage.snapshot();
    }
    if (!isEmptySnapshot(snap)) await sm.restore(snap.data);
    const { confState } = storage.initialState();
    const replica = GroupReplica.create(
      groupId,
      {
        id: this.opts.storeId,
        electionTick: this.opts.electionTick,
        heartbeatTick: this.opts.heartbeatTick,
        storage,
        applied: snap.metadata.index,
        maxSizePerMsg: 256 * 1024,
        maxInflightMsgs: 256,
        maxCommittedSizePerReady: 16 * 1024 * 1024,
        maxUncommittedEntriesSize: 64 * 1024 * 1024,
        checkQuorum: true,
        preVote: true,
        readOnlyOption: 'Safe',
        rng: new SeededRng((this.opts.storeId * 7919 + groupId * 104729 + Date.now()) | 0),
        logger: this.opts.logger,
      },
      storage,
      sm,
      snap.metadata.index,
      confState,
    );
    this.groups.set(groupId, replica);
    this.scheduler.add(replica);
    this.markDirty(replica);
    return replica;
  }

  group(groupId: number): GroupReplica {
    const g = this.groups.get(groupId);
    if (!g) throw new UnknownGroupError(`group ${groupId} is not hosted on store ${this.opts.storeId}`);
    return g;
  }

  groupIds(): number[] {
    return [...this.groups.keys()];
  }

  /**
   * Stops hosting a group whose state machine was destroyed (a region absorbed by a merge):
   * it no longer ticks, steps or applies, and its pending requests fail. Its log records stay
   * in the shared WAL (destroyGroup removes them); the owner must not reopen it. Safe to call
   * from inside an apply.
   */
  closeGroup(groupId: number): void {
    const g = this.groups.get(groupId);
    if (!g) return;
    this.groups.delete(groupId);
    this.scheduler.remove(g);
    this.dirty.delete(g);
    this.queued.delete(g);
    g.proposals.rejectAll(new UnknownGroupError(`group ${groupId} was closed`));
    g.reads.rejectAll(new UnknownGroupError(`group ${groupId} was closed`));
  }

  /**
   * Closes the group and destroys its records in the shared WAL (a replica moved away): the
   * segments they pin become garbage, and a restart does not bring the group back. Runs
   * between two Ready passes, so no write of the group is in flight; resolves once durable.
   * Not from inside an apply (the Ready loop would wait for itself).
   */
  destroyGroup(groupId: number): Promise<void> {
    this.closeGroup(groupId);
    const done = new Promise<void>((resolve, reject) => {
      const waiting = this.destroying.get(groupId) ?? [];
      waiting.push({ resolve, reject });
      this.destroying.set(groupId, waiting);
    });
    if (this.driving) this.again = true;
    else void this.drive();
    return done;
  }

  /** Replicates `payload`; resolves with the state machine's result once applied locally. */
  propose(groupId: number, payload: Uint8Array): Promise<unknown> {
    const g = this.group(groupId);
    this.wake(g);
    const wrapped = this.ids.wrap(payload);
    const done = g.proposals.add(wrapped.key, this.opts.proposalTimeoutMs);
    let queue = this.queued.get(g);
    if (!queue) this.queued.set(g, (queue = []));
    queue.push(wrapped);
    this.stats.proposals++;
    this.markDirty(g);
    return done;
  }

  /** Resolves when a read served from the local state machine is linearizable (ReadIndex). */
  readIndex(groupId: number): Promise<void> {
    const g = this.group(groupId);
    this.wake(g);
    const id = this.ids.next();
    const done = g.reads.add(id.key, this.opts.proposalTimeoutMs);
    const err = g.node.readIndex(id.bytes);
    if (err) g.reads.reject(id.key, new RaftUnavailableError(`group ${groupId}: read index refused (${err.message})`, g.leader));
    this.markDirty(g);
    return done;
  }

  proposeConfChange(groupId: number, cc: ConfChangeV2): RaftError | undefined {
    const g = this.group(groupId);
    this.wake(g);
    const err = g.node.proposeConfChange(cc);
    this.markDirty(g);
    return err;
  }

  transferLeader(groupId: number, to: number): void {
    const g = this.group(groupId);
    this.wake(g);
    g.node.transferLeader(to);
    this.markDirty(g);
  }

  campaign(groupId: number): void {
    const g = this.group(groupId);
    this.wake(g);
    g.node.campaign();
    this.markDirty(g);
  }

  /** Groups that are quiesced (not ticking) right now. */
  get quiescedCount(): number {
    return this.groups.size - this.scheduler.awake.size;
  }

  private tick(): void {
    const now = Date.now();
    const due = this.scheduler.tickStores(this.groups.values());
    for (const g of this.scheduler.awake) {
      g.node.tick();
      this.stats.groupTicks++;
      this.dirty.add(g);
      if (g.proposals.size) g.proposals.expire(now, () => new RaftUnavailableError(`group ${g.groupId}: proposal not applied in time (outcome unknown)`, g.leader));
      if (g.reads.size) g.reads.expire(now, () => new RaftUnavailableError(`group ${g.groupId}: read index timed out`, g.leader));
      if (g.node.raft.state === 'StateLeader') this.scheduler.maybeQuiesceLeader(g, this.queued.has(g));
    }
    // Store heartbeats: an empty batch proves this host is alive to stores that rely on it.
    for (const store of due) {
      this.opts.transport.send(store, encodeRaftBatch(this.opts.storeId, store, []));
      this.scheduler.liveness.sent(store);
      this.stats.storeHeartbeatsSent++;
    }
    void this.drive();
  }

  /** Wakes a quiesced group for a local request. */
  private wake(g: GroupReplica): void {
    this.scheduler.wake(g);
  }

  private receive(data: Uint8Array): void {
    if (this.stopped) return;
    let decoded;
    try {
      decoded = decodeRaftBatch(data);
    } catch (err) {
      this.stats.malformedBatches++;
      this.opts.logger?.warn(`dropping raft batch: ${(err as Error).message}`);
      return;
    }
    if (decoded.toStore !== this.opts.storeId) {
      this.stats.malformedBatches++;
      return;
    }
    this.scheduler.liveness.heard(decoded.fromStore);
    if (decoded.fragment) {
      const whole = this.fragments.add(decoded.fromStore, decoded.fragment);
      if (whole) this.receive(whole);
      return;
    }
    for (const gm of decoded.messages) {
      const g = this.groups.get(gm.groupId);
      if (!g) continue; // a group not (yet) hosted here: the PD creates replicas, not messages
      const err = this.scheduler.step(g, gm);
      if (err && !(err instanceof RaftError)) this.opts.logger?.warn(`group ${gm.groupId}: step failed: ${String(err)}`);
      this.dirty.add(g);
    }
    void this.drive();
  }

  private markDirty(g: GroupReplica): void {
    this.dirty.add(g);
    // Checked here too: calling the async drive() costs a promise per proposal.
    if (this.driving) this.again = true;
    else void this.drive();
  }

  /** The Ready loop: persist all groups in one write, send per destination, apply, advance. */
  private async drive(): Promise<void> {
    if (this.stopped) return; // a message that was already queued when stop() ran
    if (this.driving) {
      this.again = true;
      return;
    }
    this.driving = true;
    try {
      do {
        this.again = false;
        await this.readyPass();
        if (this.destroying.size > 0) await this.destroyClosedGroups();
        if (Date.now() >= this.gcDueAt) {
          this.gcDueAt = Date.now() + 10_000;
          await this.opts.log.gc();
        }
      } while ((this.again || this.dirty.size > 0 || this.queued.size > 0) && !this.stopped);
    } catch (err) {
      this.opts.logger?.error(`raft ready loop failed: ${(err as Error).stack ?? String(err)}`);
      throw err;
    } finally {
      this.driving = false;
    }
  }

  private async destroyClosedGroups(): Promise<void> {
    const batch = this.opts.log.newBatch();
    const waiting = [...this.destroying];
    this.destroying.clear();
    // A group reopened meanwhile keeps its log.
    for (const [id] of waiting) if (!this.groups.has(id)) batch.destroy(id);
    try {
      await this.opts.log.write(batch);
    } catch (err) {
      for (const [, ws] of waiting) for (const w of ws) w.reject(err);
      throw err;
    }
    for (const [, ws] of waiting) for (const w of ws) w.resolve();
  }

  /** Hands each group's queued proposals to Raft as one batch. */
  private proposeQueued(): void {
    for (const [g, queue] of this.queued) {
      const err = g.node.proposeBatch(queue.map((q) => q.data));
      if (err) {
        const e = new RaftUnavailableError(`group ${g.groupId}: proposal dropped (${err.message}); leader ${g.leader || 'unknown'}`, g.leader);
        for (const q of queue) g.proposals.reject(q.key, e);
      }
    }
    this.queued.clear();
  }

  private async readyPass(): Promise<void> {
    this.proposeQueued();
    const work: [GroupReplica, Ready][] = [];
    let batch: LogWriteBatch | undefined;
    let mustSync = false;
    for (const g of this.dirty) {
      if (!g.node.hasReady()) continue;
      const rd = g.node.ready();
      work.push([g, rd]);
      if (rd.softState) g.leader = rd.softState.lead;
      if (rd.snapshot && !isEmptySnapshot(rd.snapshot)) (batch ??= this.opts.log.newBatch()).applySnapshot(g.groupId, rd.snapshot);
      if (rd.entries.length) (batch ??= this.opts.log.newBatch()).append(g.groupId, rd.entries);
      if (rd.hardState) (batch ??= this.opts.log.newBatch()).setHardState(g.groupId, rd.hardState);
      mustSync ||= rd.mustSync;
    }
    this.dirty.clear();
    if (work.length === 0) return;
    this.stats.readyPasses++;
    // A leader's appends and heartbeats go out while it writes its own log (Raft thesis
    // 10.2.1): followers persist in parallel. Safe here because nothing this node learns from
    // their replies becomes visible (apply, acknowledge, broadcast a commit) before the next
    // pass, which starts after this write is durable. Votes and responses promise durable
    // state, so they wait for the write.
    this.send(work, isLeaderTraffic);
    let written: Promise<void> | undefined;
    if (batch) {
      batch.sync = mustSync;
      written = this.opts.log.write(batch);
      // Awaited below; if an apply throws first, the loop fails with that error instead of
      // also leaving this rejection unhandled.
      written.catch(() => undefined);
      if (mustSync) this.stats.fsyncBatches++;
    }
    // Committed entries that an earlier pass already made durable are applied (and their
    // proposers answered) while this pass's write is in flight, as etcd's apply loop does:
    // the commit index itself need not be durable, and a quorum holds the entries.
    const early = work.map(([, rd]) => durablePrefixLength(rd));
    for (let i = 0; i < work.length; i++) {
      const [g, rd] = work[i];
      if (this.groups.get(g.groupId) === g) await this.applier.applyDurable(g, rd, early[i]);
    }
    if (written) await written;
    this.send(work, (m) => !isLeaderTraffic(m));
    for (let i = 0; i < work.length; i++) {
      const [g, rd] = work[i];
      if (this.groups.get(g.groupId) !== g) continue; // closed by an earlier apply of this pass
      await this.applier.apply(g, rd, early[i]);
      g.node.advance(rd);
      if (g.node.hasReady()) this.dirty.add(g);
    }
  }

  private send(work: [GroupReplica, Ready][], which: (m: Message) => boolean): void {
    const byStore = new Map<number, GroupMessage[]>();
    for (const [g, rd] of work) {
      for (const m of rd.messages) {
        if (!which(m)) continue;
        if (m.type === 'MsgSnap' && this.opts.snapshotPacer) {
          this.sendPaced(g, m, this.opts.snapshotPacer);
          continue;
        }
        let list = byStore.get(m.to);
        if (!list) byStore.set(m.to, (list = []));
        list.push(g.quiesced && m.type === 'MsgHeartbeat' ? { groupId: g.groupId, message: m, quiesce: true } : { groupId: g.groupId, message: m });
        // The snapshot has left: let the leader go back to probing. If it was lost on the way,
        // the follower rejects the next append and the leader sends a snapshot again (etcd's contract).
        if (m.type === 'MsgSnap') g.node.reportSnapshot(m.to, 'finish');
      }
    }
    for (const [to, messages] of byStore) {
      for (const piece of fragment(this.opts.storeId, to, encodeRaftBatch(this.opts.storeId, to, messages))) this.opts.transport.send(to, piece);
      this.scheduler.liveness.sent(to);
      this.stats.batchesSent++;
    }
  }

  /** A snapshot on its own, through the bandwidth limit; the leader hears it is done once it has all left. */
  private sendPaced(g: GroupReplica, m: Message, pacer: SnapshotPacer): void {
    const pieces = fragment(this.opts.storeId, m.to, encodeRaftBatch(this.opts.storeId, m.to, [{ groupId: g.groupId, message: m }]));
    pacer.send({ groupId: g.groupId, toStore: m.to }, pieces, (piece) => this.opts.transport.send(m.to, piece), (sent) => {
      if (this.stopped || this.groups.get(g.groupId) !== g) return;
      g.node.reportSnapshot(m.to, sent ? 'finish' : 'failure');
      this.markDirty(g);
    });
  }

  /** Stops ticking and receiving; pending requests fail. The log engine is closed by its owner. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.snapshotPacer?.close();
    clearInterval(this.ticker);
    this.opts.transport.close();
    while (this.driving) await new Promise((r) => setTimeout(r, 5));
    for (const g of this.groups.values()) {
      g.proposals.rejectAll(new RaftUnavailableError('store is shutting down'));
      g.reads.rejectAll(new RaftUnavailableError('store is shutting down'));
    }
    for (const [, ws] of this.destroying) for (const w of ws) w.reject(new RaftUnavailableError('store is shutting down'));
    this.destroying.clear();
  }
}
