import { confChangeFromEntry } from '../confchange/codec';
import { MemoryStorage } from '../memory-storage';
import { RawNode } from '../raw-node';
import type { Ready } from '../ready';
import type { SeededRng } from '../rng';
import type { ConfState, Entry, ReadState } from '../types';
import { decodeCommand, KvStateMachine } from './kv';

/** Per-run Raft options, drawn from the seed so runs cover several configurations. */
export interface NodeTuning {
  preVote: boolean;
  checkQuorum: boolean;
  /** 0 = one entry per MsgApp (acks then land on every entry boundary). */
  maxSizePerMsg: number;
  maxInflightMsgs: number;
}

/** Hooks through which the simulation observes what a node does. */
export interface NodeHooks {
  onApply(node: SimNode, e: Entry, result: string | undefined): void;
  onConfApplied(node: SimNode, cs: ConfState, index: number): void;
  onReadState(node: SimNode, rs: ReadState): void;
  send(node: SimNode, rd: Ready): void;
}

/**
 * One simulated server. `storage` is its disk: it survives crashes. Everything else (the
 * RawNode with its unstable log and unsaved hard state, the KV state machine) is memory and
 * is lost by crash(); restart() rebuilds from the last snapshot and re-applies the log.
 */
export class SimNode {
  readonly storage = new MemoryStorage();
  rn: RawNode | undefined;
  kv: KvStateMachine | undefined;
  /** Index of the last entry applied to kv. */
  appliedIndex = 0;
  /** Permanently stopped (removed from the cluster). */
  removed = false;

  constructor(
    readonly id: number,
    private readonly rng: SeededRng,
    private readonly compactEvery: number,
    private readonly tuning: NodeTuning,
  ) {}

  get alive(): boolean {
    return this.rn !== undefined;
  }

  start(): void {
    const snap = this.storage.snapshot();
    this.kv = KvStateMachine.restore(snap.data);
    this.appliedIndex = snap.metadata.index;
    this.rn = new RawNode({
      id: this.id,
      electionTick: 10,
      heartbeatTick: 1,
      storage: this.storage,
      // The KV state is restored from the snapshot: resume applying after it. The log may
      // keep a few entries below the snapshot index (see maybeCompact).
      applied: snap.metadata.index,
      maxSizePerMsg: this.tuning.maxSizePerMsg,
      maxInflightMsgs: this.tuning.maxInflightMsgs,
      maxInflightBytes: 8192,
      maxUncommittedEntriesSize: 1 << 16,
      checkQuorum: this.tuning.checkQuorum,
      preVote: this.tuning.preVote,
      readOnlyOption: 'Safe',
      rng: this.rng.fork(),
    });
  }

  crash(): void {
    this.rn = undefined;
    this.kv = undefined;
  }

  /** Processes one Ready: persist, send, apply, advance (the RawNode contract). */
  handleReady(hooks: NodeHooks): void {
    const rn = this.rn;
    const kv = this.kv;
    if (!rn || !kv || !rn.hasReady()) return;
    const rd = rn.ready();
    // 1. persist
    if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (rd.hardState) {
      const old = this.storage.getHardState();
      // Durable term never goes back, and a durable vote is never changed within a term
      // (otherwise a node could vote twice across a crash).
      if (rd.hardState.term < old.term) throw new Error(`n${this.id}: durable term went back ${old.term} -> ${rd.hardState.term}`);
      if (rd.hardState.term === old.term && old.vote !== 0 && rd.hardState.vote !== old.vote) {
        throw new Error(`n${this.id}: changed its vote in term ${old.term}: ${old.vote} -> ${rd.hardState.vote}`);
      }
      this.storage.setHardState(rd.hardState);
    }
    // 2. send
    hooks.send(this, rd);
    // 3. apply
    if (rd.snapshot) {
      this.kv = KvStateMachine.restore(rd.snapshot.data);
      this.appliedIndex = rd.snapshot.metadata.index;
    }
    for (const e of rd.committedEntries) {
      // Entries are applied in order, without gaps, exactly once.
      if (e.index !== this.appliedIndex + 1) throw new Error(`n${this.id}: applying ${e.index} after ${this.appliedIndex}`);
      if (e.type === 'normal') {
        const res = e.data.length > 0 ? this.kv!.apply(decodeCommand(e.data)) : undefined;
        this.appliedIndex = e.index;
        hooks.onApply(this, e, res);
        continue;
      }
      const cc = confChangeFromEntry(e);
      this.appliedIndex = e.index;
      hooks.onApply(this, e, undefined);
      if (cc instanceof Error) continue;
      const cs = rn.applyConfChange(cc);
      if (!(cs instanceof Error)) hooks.onConfApplied(this, cs, e.index);
      if (this.removed || !this.rn) return; // the hook shut us down
    }
    for (const rs of rd.readStates) hooks.onReadState(this, rs);
    rn.advance(rd);
    this.maybeCompact(rn);
  }

  /** Log compaction: snapshot the KV at the applied index and drop the log below it. */
  private maybeCompact(rn: RawNode): void {
    const applied = rn.raft.raftLog.applied;
    if (applied - this.storage.firstIndex() < this.compactEvery) return;
    if (applied > this.storage.lastIndex() || applied <= this.storage.snapshot().metadata.index) return;
    this.storage.createSnapshot(applied, rn.raft.trk.confState(), this.kv!.snapshot());
    // Keep a few entries so slightly lagging followers can still catch up from the log.
    const keep = Math.max(this.storage.firstIndex(), applied - 5);
    if (keep > this.storage.firstIndex()) this.storage.compact(keep);
  }
}
