import type { RaftConfig } from '../config';
import { confChangeFromEntry } from '../confchange/codec';
import type { ConfChangeSingle, ConfChangeTransition } from '../confchange/types';
import type { Logger } from '../logger';
import { MemoryStorage } from '../memory-storage';
import { RawNode } from '../raw-node';
import type { ReadOnlyOption } from '../read-only';
import { SeededRng } from '../rng';
import { EMPTY_BYTES, msg, type Message, type MessageType, type Snapshot } from '../types';
import { argInt, argInts, argStr, bareInts, type TestCase } from './datadriven';
import { describeEntry, describeMessage, describeReady } from './format';

type Level = 'debug' | 'info' | 'warn' | 'error' | 'none';
const LEVELS: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/**
 * Storage whose snapshot() is taken on demand at the node's applied index with its current
 * config (like etcd's snapOverrideStorage): a leader catching up a new node must send a
 * snapshot that includes that node in its ConfState.
 */
class SnapOverrideStorage extends MemoryStorage {
  current: (() => Snapshot | undefined) | undefined;

  override snapshot(): Snapshot {
    const base = super.snapshot();
    const s = this.current?.();
    return s && s.metadata.index > base.metadata.index ? s : base;
  }
}

interface EnvNode {
  id: number;
  rn: RawNode;
  storage: SnapOverrideStorage;
  config: RaftConfig;
  /** Data of applied normal entries, the "state machine" of the interaction tests. */
  applied: string[];
}

/**
 * Interpreter for the testdata scripts (etcd's rafttest.InteractionEnv, in TypeScript). Nodes
 * run on MemoryStorage; messages sit in one global queue until delivered. All randomness
 * comes from a fixed seed, so outputs are stable.
 */
export class InteractionEnv {
  private readonly nodes: EnvNode[] = [];
  private messages: Message[] = [];
  private out: string[] = [];
  private level: Level = 'info';
  private isolated = new Set<number>();
  private readonly dec = new TextDecoder();

  handle(tc: TestCase): string {
    this.out = [];
    const a = tc.args;
    const ids = bareInts(a);
    switch (tc.cmd) {
      case 'log-level':
        this.level = a[0].key as Level;
        break;
      case 'add-nodes':
        this.addNodes(ids[0] ?? 1, tc);
        break;
      case 'campaign':
        this.err(this.node(ids[0]).rn.campaign());
        break;
      case 'propose':
        this.err(this.node(ids[0]).rn.propose(new TextEncoder().encode(a[1]?.key ?? '')));
        break;
      case 'propose-conf-change':
        this.proposeConfChange(ids[0], tc);
        break;
      case 'propose-raw-conf-change':
        this.err(
          // A local proposal with raw bytes (RawNode.proposeConfChange would encode properly).
          this.node(ids[0]).rn.raft.step(
            msg({
              type: 'MsgProp',
              from: ids[0],
              entries: [{ term: 0, index: 0, type: 'confChangeV2', data: new TextEncoder().encode(a[1]?.key ?? '') }],
            }),
          ),
        );
        break;
      case 'stabilize':
        this.stabilize(ids.length ? ids : this.allIds());
        break;
      case 'process-ready':
        for (const id of ids.length ? ids : this.allIds()) this.processReady(this.node(id));
        break;
      case 'deliver-msgs':
        for (const id of ids.length ? ids : this.allIds()) this.deliver(id, argStr(a, 'type'), argInts(a, 'drop') ?? []);
        break;
      case 'tick-election':
        for (const id of ids) this.ticks(id, this.node(id).config.electionTick);
        break;
      case 'tick-heartbeat':
        for (const id of ids) this.ticks(id, this.node(id).config.heartbeatTick);
        break;
      case 'tick':
        this.ticks(ids[0], argInt(a, 'n') ?? 1);
        break;
      case 'transfer-leadership':
        this.node(argInt(a, 'from') ?? 0).rn.transferLeader(argInt(a, 'to') ?? 0);
        break;
      case 'status':
        this.status(ids[0]);
        break;
      case 'raft-log':
        this.raftLog(ids[0]);
        break;
      case 'read-index':
        this.err(this.node(ids[0]).rn.readIndex(new TextEncoder().encode(a[1]?.key ?? '')));
        break;
      case 'compact': {
        const n = this.node(ids[0]);
        const index = ids[1];
        n.storage.createSnapshot(index, n.rn.raft.trk.confState(), new TextEncoder().encode(JSON.stringify(n.applied)));
        n.storage.compact(index);
        this.raftLog(ids[0]);
        break;
      }
      case 'report-unreachable':
        this.node(ids[0]).rn.reportUnreachable(ids[1]);
        break;
      case 'isolate':
        for (const id of ids) this.isolated.add(id);
        break;
      case 'heal':
        this.isolated.clear();
        break;
      case 'restart':
        this.restart(ids[0]);
        break;
      case 'send-raw':
        this.sendRaw(ids[0], tc);
        break;
      case 'applied':
        this.out.push(`${ids[0]}: [${this.node(ids[0]).applied.join(' ')}]`);
        break;
      default:
        throw new Error(`line ${tc.line}: unknown command ${tc.cmd}`);
    }
    return this.out.join('\n');
  }

  private allIds(): number[] {
    return this.nodes.map((n) => n.id);
  }

  private node(id: number): EnvNode {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private err(e: Error | undefined): void {
    if (e) this.out.push(`ERROR ${e.message}`);
  }

  private loggerFor(): Logger {
    const log = (lvl: Level) => (m: string) => {
      if (LEVELS[lvl] >= LEVELS[this.level]) this.out.push(`${lvl.toUpperCase()} ${m}`);
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  }

  private addNodes(n: number, tc: TestCase): void {
    const a = tc.args;
    const voters = argInts(a, 'voters') ?? [];
    const learners = argInts(a, 'learners') ?? [];
    const index = argInt(a, 'index') ?? 1;
    for (let k = 0; k < n; k++) {
      const id = this.nodes.length + 1;
      const storage = new SnapOverrideStorage();
      if (voters.length > 0 || learners.length > 0) {
        // Bootstrap: every node starts from the same snapshot holding the initial config.
        storage.applySnapshot({
          metadata: {
            index,
            term: 1,
            confState: { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false },
          },
          data: EMPTY_BYTES,
        });
      }
      const config: RaftConfig = {
        id,
        electionTick: argInt(a, 'election') ?? 10,
        heartbeatTick: 1,
        storage,
        maxSizePerMsg: argInt(a, 'max-size') ?? Number.MAX_SAFE_INTEGER,
        maxInflightMsgs: argInt(a, 'max-inflight') ?? 256,
        maxInflightBytes: argInt(a, 'max-inflight-bytes') ?? 0,
        checkQuorum: argStr(a, 'checkquorum') === 'true',
        preVote: argStr(a, 'prevote') === 'true',
        readOnlyOption: (argStr(a, 'read-only') === 'lease' ? 'LeaseBased' : 'Safe') as ReadOnlyOption,
        rng: new SeededRng(id),
        logger: this.loggerFor(),
      };
      const node: EnvNode = { id, rn: new RawNode(config), storage, config, applied: [] };
      storage.current = () => this.snapshotOf(node);
      this.nodes.push(node);
    }
  }

  private snapshotOf(n: EnvNode): Snapshot | undefined {
    const index = n.rn.raft.raftLog.applied;
    if (index === 0 || index > n.storage.lastIndex()) return undefined;
    return {
      metadata: { index, term: n.storage.term(index), confState: n.rn.raft.trk.confState() },
      data: new TextEncoder().encode(JSON.stringify(n.applied)),
    };
  }

  private restart(id: number): void {
    const n = this.node(id);
    // Unpersisted state is lost; applied state is rebuilt from the log (applied = snapshot).
    n.config = { ...n.config, applied: undefined };
    n.rn = new RawNode(n.config);
    n.applied = [];
    this.messages = this.messages.filter((m) => m.from !== id);
  }

  private proposeConfChange(id: number, tc: TestCase): void {
    const changes: ConfChangeSingle[] = [];
    for (const arg of tc.args) {
      const m = /^([vlr])(\d+)$/.exec(arg.key);
      if (!m || arg.vals.length) continue;
      const type = m[1] === 'v' ? 'addNode' : m[1] === 'l' ? 'addLearnerNode' : 'removeNode';
      changes.push({ type, nodeId: Number(m[2]) });
    }
    const transition = (argStr(tc.args, 'transition') ?? 'auto') as ConfChangeTransition;
    this.err(this.node(id).rn.proposeConfChange({ transition, changes }));
  }

  private ticks(id: number, n: number): void {
    for (let i = 0; i < n; i++) this.node(id).rn.tick();
  }

  private stabilize(ids: number[]): void {
    for (;;) {
      let done = true;
      for (const id of ids) {
        if (this.node(id).rn.hasReady()) {
          done = false;
          this.processReady(this.node(id));
        }
      }
      for (const id of ids) {
        if (this.deliver(id, undefined, []) > 0) done = false;
      }
      if (done) return;
    }
  }

  private processReady(n: EnvNode): void {
    if (!n.rn.hasReady()) return;
    const rd = n.rn.ready();
    this.out.push(`> ${n.id} handling Ready`);
    const desc = describeReady(rd);
    // Persist first (snapshot, entries, hard state), then apply, then send.
    if (rd.snapshot) {
      n.storage.applySnapshot(rd.snapshot);
      n.applied = rd.snapshot.data.length > 0 ? (JSON.parse(this.dec.decode(rd.snapshot.data)) as string[]) : [];
    }
    n.storage.append(rd.entries);
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    for (const line of desc) this.out.push(`  ${line}`);
    for (const e of rd.committedEntries) {
      if (e.type === 'normal') {
        if (e.data.length > 0) n.applied.push(this.dec.decode(e.data));
        continue;
      }
      const cc = confChangeFromEntry(e);
      if (cc instanceof Error) {
        this.out.push(`  ERROR apply ${describeEntry(e)}: ${cc.message}`);
        continue;
      }
      const res = n.rn.applyConfChange(cc);
      if (res instanceof Error) this.out.push(`  ERROR ${res.message}`);
    }
    // A partitioned node's messages are lost on the wire.
    for (const m of rd.messages) if (!this.isolated.has(m.from) && !this.isolated.has(m.to)) this.messages.push(m);
    n.rn.advance(rd);
  }

  /** Delivers queued messages addressed to id; returns how many were taken off the queue. */
  private deliver(id: number, type: string | undefined, drop: number[]): number {
    const mine: Message[] = [];
    const rest: Message[] = [];
    for (const m of this.messages) {
      if (m.to === id && (type === undefined || m.type === (type as MessageType))) mine.push(m);
      else rest.push(m);
    }
    this.messages = rest;
    if (mine.length === 0) return 0;
    this.out.push(`> ${id} receiving messages`);
    for (const m of mine) {
      const dropped = drop.includes(m.from) || this.isolated.has(m.from) || this.isolated.has(m.to);
      this.out.push(`  ${describeMessage(m)}${dropped ? ' DROPPED' : ''}`);
      if (dropped) continue;
      const e = this.node(id).rn.step(m);
      if (e) this.out.push(`  ERROR ${e.message}`);
    }
    return mine.length;
  }

  private status(id: number): void {
    const s = this.node(id).rn.status();
    this.out.push(
      `${id}: ${s.softState.raftState} term=${s.hardState.term} vote=${s.hardState.vote} lead=${s.softState.lead} commit=${s.hardState.commit} applied=${s.applied} ${s.config}`,
    );
    if (s.progress) for (const [pid, p] of s.progress) this.out.push(`  ${pid}: ${p.text}`);
  }

  private raftLog(id: number): void {
    const log = this.node(id).rn.raft.raftLog;
    const ents = log.allEntries();
    if (ents.length === 0) this.out.push(`log is empty: first index=${log.firstIndex()}, last index=${log.lastIndex()}`);
    for (const e of ents) this.out.push(describeEntry(e));
  }

  private sendRaw(id: number, tc: TestCase): void {
    const a = tc.args;
    const m = msg({
      type: (argStr(a, 'type') ?? 'MsgApp') as MessageType,
      to: id,
      from: argInt(a, 'from') ?? 0,
      term: argInt(a, 'term') ?? 0,
      index: argInt(a, 'index') ?? 0,
      logTerm: argInt(a, 'logTerm') ?? 0,
      commit: argInt(a, 'commit') ?? 0,
      reject: argStr(a, 'reject') === 'true',
    });
    this.out.push(`step ${describeMessage(m)}`);
    const e = this.node(id).rn.step(m);
    this.out.push(e ? `ERROR ${e.message}` : 'ok');
  }
}
