import { formatConfChange } from '../confchange/codec';
import type { ConfChangeV2 } from '../confchange/types';
import { SeededRng } from '../rng';
import { EMPTY_BYTES, type ConfState, type Entry, type Message, type ReadState } from '../types';
import { checkKvHistory, type KeyedOperation } from './linearizability';
import { decodeCommand, encodeCommand, type KvCommand } from './kv';
import { SimNetwork } from './network';
import { SafetyChecker } from './invariants';
import { SimNode, type NodeHooks, type NodeTuning } from './sim-node';

export interface SimOptions {
  seed: number;
  /** Steps with faults and client traffic. */
  steps: number;
  /** Fault-free steps at the end so pending work can finish. */
  quiesceSteps: number;
  initialVoters: number;
  /** Record every event (slower); otherwise only the last events are kept for failures. */
  fullTrace?: boolean;
}

export interface SimResult {
  ok: boolean;
  error?: string;
  seed: number;
  trace: string[];
  completedOps: number;
  historyOps: number;
  elections: number;
}

interface Pending {
  op: KeyedOperation;
  node: number;
  cmdId: string;
  deadline: number;
  /** For reads: the read index once known. */
  readIndex?: number;
}

class SafetyViolation extends Error {}

const TRACE_TAIL = 400;

/**
 * Deterministic simulation of a Raft cluster running a KV store, under a seeded schedule of
 * faults: message delay/reorder/loss/duplication, symmetric and asymmetric partitions, clock
 * skew (nodes tick at different rates), crashes losing unpersisted state, restarts,
 * membership changes and leadership transfers. Safety is asserted after every step; client
 * histories are checked for linearizability at the end.
 */
export class Simulation {
  private readonly rng: SeededRng;
  private readonly net: SimNetwork;
  private readonly nodes = new Map<number, SimNode>();
  private readonly safety = new SafetyChecker();
  private readonly trace: string[] = [];
  private readonly history: KeyedOperation[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly busyClients = new Set<number>();
  private readonly restartAt = new Map<number, number>();
  private healAt = -1;
  private now = 0;
  /** Logical time for history events; strictly increasing. */
  private clock = 0;
  private nextNodeId: number;
  private nextOp = 0;
  private completed = 0;
  private elections = 0;
  private readonly hooks: NodeHooks;

  constructor(private readonly opts: SimOptions) {
    this.rng = new SeededRng(opts.seed);
    const lossy = this.rng.chance(0.5);
    this.net = new SimNetwork(this.rng.fork(), {
      minDelay: 1,
      maxDelay: 1 + this.rng.intn(4),
      lossRate: lossy ? 0.05 : 0,
      dupRate: lossy ? 0.03 : 0,
    });
    this.net.onDrop = (m) => this.onDrop(m);
    this.tuning = {
      preVote: this.rng.chance(0.7),
      checkQuorum: this.rng.chance(0.7),
      maxSizePerMsg: this.rng.pick([0, 256, 1024, 1 << 20]),
      maxInflightMsgs: this.rng.pick([1, 4, 16]),
    };
    this.hooks = {
      onApply: (n, e, res) => this.onApply(n, e, res),
      onConfApplied: (n, cs, index) => this.onConfApplied(n, cs, index),
      onReadState: (n, rs) => this.onReadState(n, rs),
      send: (n, rd) => {
        for (const m of rd.messages) this.net.send(m, this.now);
        if (rd.softState?.raftState === 'StateLeader') {
          this.elections++;
          this.log(`n${n.id} became leader at term ${n.rn!.raft.term}`);
        }
      },
    };
    const voters: number[] = [];
    for (let id = 1; id <= opts.initialVoters; id++) voters.push(id);
    this.nextNodeId = opts.initialVoters + 1;
    for (const id of voters) {
      const n = this.makeNode(id);
      n.storage.applySnapshot({
        metadata: { index: 1, term: 1, confState: { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
        data: EMPTY_BYTES,
      });
      n.start();
    }
    for (const id of voters) this.everMember.add(id);
    this.log(`seed ${opts.seed}: voters=${voters.join(',')} raft=${JSON.stringify(this.tuning)} net=${JSON.stringify(this.net.opts)}`);
  }

  private tuning: NodeTuning = { preVote: false, checkQuorum: false, maxSizePerMsg: 0, maxInflightMsgs: 1 };

  private makeNode(id: number): SimNode {
    const n = new SimNode(id, this.rng.fork(), 20, this.tuning);
    this.nodes.set(id, n);
    return n;
  }

  private log(s: string): void {
    this.trace.push(`[${this.now}] ${s}`);
    if (!this.opts.fullTrace && this.trace.length > 2 * TRACE_TAIL) this.trace.splice(0, this.trace.length - TRACE_TAIL);
  }

  private fail(msg: string): never {
    this.log(`VIOLATION: ${msg}`);
    throw new SafetyViolation(msg);
  }

  private live(): SimNode[] {
    const out: SimNode[] = [];
    for (const n of this.nodes.values()) if (n.alive) out.push(n);
    return out;
  }

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.live()) {
      const r = n.rn!.raft;
      if (r.state === 'StateLeader' && (!best || r.term > best.rn!.raft.term)) best = n;
    }
    return best;
  }

  run(): SimResult {
    let error: string | undefined;
    try {
      for (; this.now < this.opts.steps; this.now++) this.step(true);
      this.net.heal();
      for (const id of [...this.restartAt.keys()]) this.restart(id);
      for (const end = this.now + this.opts.quiesceSteps; this.now < end; this.now++) this.step(false);
      for (const p of [...this.pending.values()]) this.giveUp(p);
      const lin = checkKvHistory(this.history);
      if (!lin.ok) this.fail(`history is not linearizable for key ${lin.badKey}`);
    } catch (e) {
      error = e instanceof SafetyViolation ? e.message : `exception: ${(e as Error).stack ?? String(e)}`;
      if (!(e instanceof SafetyViolation)) this.log(`EXCEPTION ${(e as Error).message}`);
    }
    return {
      ok: error === undefined,
      error,
      seed: this.opts.seed,
      trace: this.trace,
      completedOps: this.completed,
      historyOps: this.history.length,
      elections: this.elections,
    };
  }

  private step(faults: boolean): void {
    if (faults) this.injectFaults();
    for (const [id, at] of this.restartAt) if (at <= this.now) this.restart(id);
    if (this.healAt >= 0 && this.healAt <= this.now) {
      this.net.heal();
      this.healAt = -1;
      this.log('heal network');
    }
    // Clock skew: every node ticks with its own probability each step.
    for (const n of this.live()) if (this.rng.chance(0.6)) n.rn!.tick();
    for (const m of this.net.due(this.now)) this.deliver(m);
    for (const n of this.live()) {
      // Sometimes a node has not persisted yet when the next step comes: a crash then loses it.
      if (this.rng.chance(0.8)) n.handleReady(this.hooks);
    }
    if (faults) this.clientTraffic();
    for (const p of [...this.pending.values()]) if (p.deadline <= this.now) this.giveUp(p);
    this.checkSafety();
  }

  private checkSafety(): void {
    const live = this.live();
    const err = this.safety.checkElectionSafety(live) ?? this.safety.checkLogMatching(live) ?? this.safety.checkLeaderCompleteness(live);
    if (err) this.fail(err);
  }

  private deliver(m: Message): void {
    const n = this.nodes.get(m.to);
    if (!n || !n.alive) return;
    if (m.type === 'MsgSnap') this.nodes.get(m.from)?.rn?.reportSnapshot(m.to, 'finish');
    n.rn!.step(m); // errors (unknown peer...) are expected under faults: ignore
  }

  private onDrop(m: Message): void {
    // The host streaming a snapshot learns that it failed.
    if (m.type === 'MsgSnap') this.nodes.get(m.from)?.rn?.reportSnapshot(m.to, 'failure');
    else if (m.type === 'MsgApp') this.nodes.get(m.from)?.rn?.reportUnreachable(m.to);
  }

  // ---- faults ---------------------------------------------------------------------------

  private injectFaults(): void {
    const r = this.rng;
    const live = this.live();
    if (r.chance(0.01) && live.length > 0 && this.restartAt.size < 2) {
      const victim = r.pick(live);
      this.crash(victim, this.now + 10 + r.intn(40));
    }
    if (r.chance(0.01) && this.healAt < 0) {
      const ids = [...this.nodes.keys()];
      const a = ids.filter(() => r.chance(0.5));
      const b = ids.filter((id) => !a.includes(id));
      if (a.length > 0 && b.length > 0) {
        this.net.partition(a, b);
        this.healAt = this.now + 20 + r.intn(60);
        this.log(`partition [${a}] | [${b}] until ${this.healAt}`);
      }
    }
    if (r.chance(0.006) && this.healAt < 0) {
      const ids = [...this.nodes.keys()];
      const from = r.pick(ids);
      const to = r.pick(ids);
      if (from !== to) {
        this.net.block(from, to);
        this.healAt = this.now + 20 + r.intn(60);
        this.log(`block ${from}->${to} until ${this.healAt}`);
      }
    }
    if (r.chance(0.01)) this.membershipChange();
    if (r.chance(0.008)) {
      const l = this.leader();
      if (l) {
        const voters = l.rn!.raft.trk.voterNodes().filter((id) => id !== l.id);
        if (voters.length > 0) {
          const to = r.pick(voters);
          this.log(`transfer leadership ${l.id} -> ${to}`);
          l.rn!.transferLeader(to);
        }
      }
    }
  }

  private crash(n: SimNode, restartAt: number): void {
    this.log(`crash n${n.id} (restart at ${restartAt})`);
    n.crash();
    this.net.dropNode(n.id);
    for (const p of [...this.pending.values()]) if (p.node === n.id) this.giveUp(p);
    this.restartAt.set(n.id, restartAt);
  }

  private restart(id: number): void {
    this.restartAt.delete(id);
    const n = this.nodes.get(id);
    if (!n || n.removed || n.alive) return;
    this.log(`restart n${id}`);
    n.start();
  }

  private membershipChange(): void {
    const l = this.leader();
    if (!l) return;
    const r = l.rn!.raft;
    const cfg = r.trk.config;
    const voters = [...cfg.voters.incoming];
    const learners = [...cfg.learners];
    let cc: ConfChangeV2 | undefined;
    const choice = this.rng.intn(4);
    if (choice === 0 && this.nodes.size < 7) {
      cc = { transition: 'auto', changes: [{ type: 'addLearnerNode', nodeId: this.nextNodeId }] };
    } else if (choice === 1 && learners.length > 0) {
      cc = { transition: 'auto', changes: [{ type: 'addNode', nodeId: this.rng.pick(learners) }] };
    } else if (choice === 2 && voters.length > 3) {
      cc = { transition: 'auto', changes: [{ type: 'removeNode', nodeId: this.rng.pick(voters) }] };
    } else if (choice === 3 && learners.length > 0 && voters.length >= 3) {
      // Swap a voter for a learner in one joint change (auto-leave).
      cc = {
        transition: 'implicit',
        changes: [
          { type: 'addNode', nodeId: this.rng.pick(learners) },
          { type: 'removeNode', nodeId: this.rng.pick(voters) },
        ],
      };
    }
    if (!cc) return;
    const err = l.rn!.proposeConfChange(cc);
    this.log(`n${l.id} propose conf change ${formatConfChange(cc)}${err ? ` -> ${err.message}` : ''}`);
    if (!err && cc.changes[0].type === 'addLearnerNode' && cc.changes[0].nodeId === this.nextNodeId) {
      // The new server starts empty; it receives a snapshot once the change is applied.
      this.makeNode(this.nextNodeId++).start();
    }
  }

  private onConfApplied(n: SimNode, cs: ConfState, index: number): void {
    // Only the newest configuration matters (a lagging node applies old ones later).
    if (index <= this.lastConfIndex) return;
    this.lastConfIndex = index;
    const members = new Set([...cs.voters, ...cs.votersOutgoing, ...cs.learners, ...cs.learnersNext]);
    // A server whose removal has been applied is shut down by the operator for good.
    for (const [id, node] of this.nodes) {
      if (members.has(id) || node.removed || cs.votersOutgoing.length > 0) continue;
      if (this.everMember.has(id)) {
        this.log(`n${id} removed (applied at n${n.id}); shutting it down`);
        node.removed = true;
        node.crash();
        this.net.dropNode(id);
        this.restartAt.delete(id);
        for (const p of [...this.pending.values()]) if (p.node === id) this.giveUp(p);
      }
    }
    for (const id of members) this.everMember.add(id);
  }

  private readonly everMember = new Set<number>();
  private lastConfIndex = 0;

  // ---- clients --------------------------------------------------------------------------

  private clientTraffic(): void {
    if (!this.rng.chance(0.3)) return;
    const client = this.rng.intn(4);
    if (this.busyClients.has(client)) return;
    const live = this.live().filter((n) => !n.removed);
    if (live.length === 0) return;
    // Mostly talk to the leader, sometimes to whoever (followers forward / read-index).
    const target = (this.rng.chance(0.7) ? this.leader() : undefined) ?? this.rng.pick(live);
    const key = `k${this.rng.intn(3)}`;
    const cmdId = `c${client}-${this.nextOp++}`;
    const kind = this.rng.intn(3);
    const op: KeyedOperation = { key, clientId: client, input: { kind: 'get' }, output: undefined, call: ++this.clock, ret: Infinity };
    let err: Error | undefined;
    if (kind === 2) {
      err = target.rn!.readIndex(new TextEncoder().encode(cmdId));
    } else {
      const value = `v${this.nextOp}`;
      let cmd: KvCommand;
      if (kind === 0) {
        cmd = { op: 'put', id: cmdId, key, value };
        op.input = { kind: 'put', value };
      } else {
        const expect = target.kv!.get(key); // a plausible expectation (may be stale)
        cmd = { op: 'cas', id: cmdId, key, expect, value };
        op.input = { kind: 'cas', expect, value };
      }
      err = target.rn!.propose(encodeCommand(cmd));
    }
    if (err) return; // definitely not performed: not part of the history
    this.busyClients.add(client);
    this.history.push(op);
    this.pending.set(cmdId, { op, node: target.id, cmdId, deadline: this.now + 80 });
    if (this.opts.fullTrace) this.log(`client ${client} -> n${target.id} ${cmdId} ${key} ${JSON.stringify(op.input)}`);
  }

  /** The client stopped waiting: a write may or may not have happened; a read says nothing. */
  private giveUp(p: Pending): void {
    this.pending.delete(p.cmdId);
    this.busyClients.delete(p.op.clientId);
    if (p.op.input.kind === 'get') {
      const i = this.history.indexOf(p.op);
      if (i >= 0) this.history.splice(i, 1);
    }
  }

  private complete(p: Pending, output: string): void {
    p.op.output = output;
    p.op.ret = ++this.clock;
    this.pending.delete(p.cmdId);
    this.busyClients.delete(p.op.clientId);
    this.completed++;
    if (this.opts.fullTrace) this.log(`client ${p.op.clientId} <- n${p.node} ${p.cmdId} ${output}`);
  }

  private onApply(n: SimNode, e: Entry, res: string | undefined): void {
    const err = this.safety.recordApplied(n, e);
    if (err) this.fail(err);
    if (e.type === 'normal' && e.data.length > 0 && res !== undefined) {
      const id = decodeCommand(e.data).id;
      const p = this.pending.get(id);
      if (p && p.node === n.id) this.complete(p, res);
    }
    // Reads waiting for this node's applied index.
    for (const p of this.pending.values()) {
      if (p.node === n.id && p.readIndex !== undefined && e.index >= p.readIndex) this.complete(p, n.kv!.get(p.op.key));
    }
  }

  private onReadState(n: SimNode, rs: ReadState): void {
    const id = new TextDecoder().decode(rs.requestCtx);
    const p = this.pending.get(id);
    if (!p || p.node !== n.id) return;
    if (n.appliedIndex >= rs.index) this.complete(p, n.kv!.get(p.op.key));
    else p.readIndex = rs.index;
  }
}
