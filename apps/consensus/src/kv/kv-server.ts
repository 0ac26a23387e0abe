import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import type { OnModuleDestroy } from '@nestjs/common';
import { ConsensusStatus, KvCas, KvDelete, KvGet, KvPut, KvRange, LeaseGrant, LeaseKeepAlive, LeaseRevoke, Tso, Watch } from '@quarry/consensus-client';
import { MultiRaftHost, RaftUnavailableError } from '@quarry/multiraft';
import { KvCommandSchema, type KvCommand, type WatchReplySchema, type WatchRequest } from '@quarry/proto';
import { QuarryError, type Bus, type Subjects } from '@quarry/transport';
import { AppliedSignal } from './applied-signal';
import { KV_COMMAND_FIELD, kvCommandBytes } from './kv-command-bytes';
import { KvCommandError } from './kv-errors';
import type { KvStateMachine } from './kv-state-machine';
import { LeaseKeeper } from './lease-keeper';
import { TimestampOracle } from './timestamp-oracle';
import { CompactedError } from './watch-history';

export const METADATA_GROUP = 1;
/** A watch poll waits at most this long for events (the client asks for less). */
const MAX_WATCH_WAIT_MS = 30_000;
const DEFAULT_WATCH_LIMIT = 1000;
/** Replies stay well under NATS's 1 MB message limit (one bigger event still goes alone). */
const WATCH_REPLY_BYTES = 512 * 1024;

export interface KvServerOptions {
  onError?: (err: unknown) => void;
}

/**
 * Serves the KV over NATS on quarry.<cluster>.consensus.<nodeId>.<method>. Only the leader
 * answers; others say NOT_LEADER with the leader's id so clients go there directly.
 */
export class KvServer implements OnModuleDestroy {
  readonly oracle: TimestampOracle;
  readonly leases: LeaseKeeper;
  private readonly applied: AppliedSignal;

  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
    private readonly host: MultiRaftHost,
    private readonly kv: KvStateMachine,
    private readonly opts: KvServerOptions = {},
  ) {
    this.oracle = new TimestampOracle({
      loadLimit: async () => {
        await this.linearizable();
        return this.kv.persistedTsoLimit();
      },
      saveLimit: async (ms) => {
        await this.propose({ case: 'tsoLimit', value: { $typeName: 'quarry.v1.TsoLimit', limitMs: BigInt(ms) } });
      },
    });
    this.leases = new LeaseKeeper({
      sm: kv,
      leaderTerm: () => {
        const g = this.host.group(METADATA_GROUP);
        return g.isLeader ? g.node.raft.term : undefined;
      },
      proposeExpiry: (id) => this.propose({ case: 'leaseRevoke', value: { $typeName: 'quarry.v1.LeaseRevokeRequest', id, expired: true } }),
      // Persist the oracle's first window now rather than on the first client request.
      onLead: (term) => void this.oracle.prepare(term).catch((err: unknown) => this.opts.onError?.(err)),
      onError: (err) => {
        if (!(err instanceof QuarryError)) this.opts.onError?.(err);
      },
    });
    this.applied = new AppliedSignal(kv);
  }

  private get nodeId(): number {
    return this.host.storeId;
  }

  private requireLeader(): void {
    const g = this.host.group(METADATA_GROUP);
    if (!g.isLeader) {
      throw new QuarryError('NOT_LEADER', g.leader ? `node ${this.nodeId} is not the leader; node ${g.leader} is` : `node ${this.nodeId} knows no leader yet`, true, g.leader ? { leader: String(g.leader) } : {});
    }
  }

  private propose(cmd: KvCommand['op']): Promise<unknown> {
    return this.proposeEncoded(toBinary(KvCommandSchema, create(KvCommandSchema, { op: cmd })));
  }

  private async proposeEncoded(command: Uint8Array): Promise<unknown> {
    this.requireLeader();
    let result: unknown;
    try {
      result = await this.host.propose(METADATA_GROUP, command);
    } catch (err) {
      if (err instanceof RaftUnavailableError) throw new QuarryError('UNAVAILABLE', err.message, false, err.leaderHint ? { leader: String(err.leaderHint) } : {});
      throw err;
    }
    if (result instanceof KvCommandError) throw new QuarryError(result.code, result.message, false, result.details);
    if (result instanceof Error) throw new QuarryError('INTERNAL', result.message);
    return result;
  }

  private async linearizable(): Promise<void> {
    this.requireLeader();
    try {
      await this.host.readIndex(METADATA_GROUP);
    } catch (err) {
      if (err instanceof RaftUnavailableError) throw new QuarryError('UNAVAILABLE', err.message);
      throw err;
    }
  }

  start(): void {
    const s = (name: string): string => this.subjects.consensus(this.nodeId, name);
    // The request's own bytes become the command (decoded, hence valid, by the bus already).
    const command = (field: number, m: { data: Uint8Array }): Promise<unknown> => this.proposeEncoded(kvCommandBytes(field, m.data));
    this.bus.serve(KvPut, s(KvPut.name), async (_req, m) => (await command(KV_COMMAND_FIELD.put, m)) as { revision: bigint });
    this.bus.serve(KvDelete, s(KvDelete.name), async (_req, m) => (await command(KV_COMMAND_FIELD.delete, m)) as { deleted: boolean; revision: bigint });
    this.bus.serve(KvCas, s(KvCas.name), async (_req, m) => (await command(KV_COMMAND_FIELD.cas, m)) as { succeeded: boolean; revision: bigint });
    this.bus.serve(KvGet, s(KvGet.name), async (req) => {
      await this.linearizable();
      const kv = this.kv.get(req.key);
      return { kv, found: kv !== undefined, revision: this.kv.revision };
    });
    this.bus.serve(KvRange, s(KvRange.name), async (req) => {
      await this.linearizable();
      return { ...this.kv.range(req.start, req.end, req.limit), revision: this.kv.revision };
    });
    this.bus.serve(Tso, s(Tso.name), (req) => {
      this.requireLeader();
      const count = req.count || 1;
      // Raft's term read directly: status() copies the whole progress table per call.
      return this.oracle.next(count, this.host.group(METADATA_GROUP).node.raft.term).then((first) => ({ first, count }));
    });
    this.bus.serve(LeaseGrant, s(LeaseGrant.name), async (req) => {
      if (!(req.ttlMs > 0n)) throw new QuarryError('INVALID_ARGUMENT', `lease TTL must be a positive number of ms, got ${req.ttlMs}`, false, { reason: 'INVALID_TTL' });
      return (await this.propose({ case: 'leaseGrant', value: req })) as { id: bigint; ttlMs: bigint };
    });
    this.bus.serve(LeaseRevoke, s(LeaseRevoke.name), async (req) => (await this.propose({ case: 'leaseRevoke', value: { ...req, expired: false } })) as { deleted: number; revision: bigint });
    this.bus.serve(LeaseKeepAlive, s(LeaseKeepAlive.name), async (req) => {
      // Confirms leadership and that every granted lease is applied here before renewing.
      await this.linearizable();
      return { id: req.id, ttlMs: BigInt(this.keepAlive(req.id)) };
    });
    this.bus.serve(Watch, s(Watch.name), (req) => this.watch(req));
    this.bus.serve(ConsensusStatus, s(ConsensusStatus.name), () => {
      const g = this.host.group(METADATA_GROUP);
      const st = g.node.status();
      return { nodeId: this.nodeId, leaderId: g.leader, term: BigInt(st.hardState.term), commit: BigInt(st.hardState.commit), applied: BigInt(g.applied), voters: g.confState.voters };
    });
    this.leases.start();
  }

  private keepAlive(id: bigint): number {
    try {
      return this.leases.keepAlive(id);
    } catch (err) {
      if (err instanceof KvCommandError) throw new QuarryError(err.code, err.message, false, err.details);
      throw err;
    }
  }

  /**
   * Long poll for watch events. Served by the leader only, so clients follow one replica; any
   * replica's history is a prefix of the log, so an answer is never wrong, at worst late.
   */
  private async watch(req: WatchRequest): Promise<MessageInitShape<typeof WatchReplySchema>> {
    this.requireLeader();
    const waitMs = Math.min(req.waitMs, MAX_WATCH_WAIT_MS);
    const limit = req.limit || DEFAULT_WATCH_LIMIT;
    const deadline = Date.now() + waitMs;
    let from = req.fromRevision || this.kv.revision + 1n;
    for (;;) {
      let page;
      try {
        page = this.kv.history.since(req.prefix, from, limit, WATCH_REPLY_BYTES);
      } catch (err) {
        if (!(err instanceof CompactedError)) throw err;
        throw new QuarryError('FAILED_PRECONDITION', err.message, false, {
          reason: 'COMPACTED',
          compactRevision: String(err.compactRevision),
          oldestRevision: String(err.compactRevision + 1n),
        });
      }
      const left = deadline - Date.now();
      if (page.events.length || left <= 0 || !this.host.group(METADATA_GROUP).isLeader) {
        return { events: page.events, nextRevision: page.next, revision: this.kv.revision, compactRevision: this.kv.history.compactRevision };
      }
      from = page.next;
      await this.applied.wait(left);
    }
  }

  /** A leader hands leadership to a follower before it stops, so writes pause as little as possible. */
  async onModuleDestroy(): Promise<void> {
    this.leases.stop();
    this.applied.close();
    const g = this.host.group(METADATA_GROUP);
    if (g.isLeader) {
      const to = g.confState.voters.find((v) => v !== this.nodeId);
      if (to) {
        this.host.transferLeader(METADATA_GROUP, to);
        const until = Date.now() + 1000;
        while (g.isLeader && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}
