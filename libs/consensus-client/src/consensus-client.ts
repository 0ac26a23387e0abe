import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { KeyValue } from '@quarry/proto';
import { backoffDelay, sleep, NoRespondersError, RemoteError, type Bus, type RpcMethod, type Subjects } from '@quarry/transport';
import { ConsensusUnavailableError, InvalidLeaseTtlError, typedError } from './errors';
import { LeaseKeepAliveLoop, type KeepAliveOptions } from './lease-keep-alive';
import { ConsensusStatus, KvCas, KvDelete, KvGet, KvPut, KvRange, LeaseGrant, LeaseKeepAlive as LeaseKeepAliveMethod, LeaseRevoke, Tso, Watch } from './methods';
import { TsoBatcher } from './tso-batcher';
import { WatchStream, type WatchOptions } from './watch-stream';

export interface ConsensusClientOptions {
  /** Node ids of the consensus replicas. */
  peers: number[];
  /** Per attempt. */
  timeoutMs?: number;
  /** Total time a call may spend finding the leader (elections take up to ~1 s). */
  deadlineMs?: number;
}

export interface PutOptions {
  /** Attach the key to this lease: it is deleted when the lease is revoked or expires. */
  lease?: bigint;
}

/** How long a watch poll waits on the server for new events. */
const DEFAULT_WATCH_WAIT_MS = 1000;

const enc = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

/**
 * Client of the consensus service: talks to the leader, follows NOT_LEADER hints, and moves on
 * to the next replica when one does not answer. Writes are retried only when the server surely
 * did not take them (NOT_LEADER, nobody listening); a timed-out write fails with its outcome
 * unknown, as in etcd: a silent retry could apply it twice.
 */
export class ConsensusClient {
  private leader: number;
  private readonly tso = new TsoBatcher(async (count) => (await this.call(Tso, { count })).first);
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;

  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
    private readonly opts: ConsensusClientOptions,
  ) {
    if (!opts.peers.length) throw new Error('ConsensusClient needs at least one peer');
    this.leader = opts.peers[0];
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.deadlineMs = opts.deadlineMs ?? 10_000;
  }

  get leaderHint(): number {
    return this.leader;
  }

  private nextPeer(): void {
    const i = this.opts.peers.indexOf(this.leader);
    this.leader = this.opts.peers[(i + 1) % this.opts.peers.length];
  }

  /** `timeoutMs` overrides the per-attempt timeout (long polls wait on the server first). */
  private async call<Req extends DescMessage, Res extends DescMessage>(method: RpcMethod<Req, Res>, body: MessageInitShape<Req>, timeoutMs = this.timeoutMs): Promise<MessageShape<Res>> {
    const deadline = Date.now() + Math.max(this.deadlineMs, timeoutMs);
    let last: unknown;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        return await this.bus.request(method, this.subjects.consensus(this.leader, method.name), body, {
          timeoutMs: Math.min(timeoutMs, Math.max(1, deadline - Date.now())),
          backoff: { attempts: 1, baseMs: 0, maxMs: 0 },
        });
      } catch (err) {
        last = err;
        if (err instanceof RemoteError && err.code === 'NOT_LEADER') {
          const hint = Number(err.details.leader ?? 0);
          if (hint && hint !== this.leader && this.opts.peers.includes(hint)) this.leader = hint;
          else {
            this.nextPeer();
            await sleep(backoffDelay(Math.min(attempt, 6), { attempts: 0, baseMs: 20, maxMs: 300 }));
          }
          continue;
        }
        // A typed refusal (unknown lease, compacted revision) is an answer, not a failure to retry.
        const typed = typedError(err);
        const safeToRetry = err instanceof NoRespondersError || (method.idempotent && typed === err);
        if (!safeToRetry) throw typed;
        this.nextPeer();
        await sleep(backoffDelay(Math.min(attempt, 6), { attempts: 0, baseMs: 20, maxMs: 300 }));
      }
    }
    throw new ConsensusUnavailableError(`consensus service unavailable for ${this.deadlineMs} ms: ${(last as Error)?.message ?? 'no reply'}`);
  }

  /** Writes a key; with `lease`, the key goes when the lease does. Returns the new revision. */
  async put(key: string | Uint8Array, value: string | Uint8Array, opts: PutOptions = {}): Promise<bigint> {
    return (await this.call(KvPut, { key: enc(key), value: enc(value), lease: opts.lease ?? 0n })).revision;
  }

  async get(key: string | Uint8Array): Promise<KeyValue | undefined> {
    const r = await this.call(KvGet, { key: enc(key) });
    return r.found ? r.kv : undefined;
  }

  async range(prefixOrStart: string | Uint8Array, end: string | Uint8Array = new Uint8Array(0), limit = 0): Promise<{ kvs: KeyValue[]; more: boolean }> {
    const r = await this.call(KvRange, { start: enc(prefixOrStart), end: enc(end), limit });
    return { kvs: r.kvs, more: r.more };
  }

  async delete(key: string | Uint8Array): Promise<boolean> {
    return (await this.call(KvDelete, { key: enc(key) })).deleted;
  }

  /** Writes only if the key's mod revision is `expected` (0n: the key must not exist). */
  async compareAndSet(key: string | Uint8Array, expected: bigint, value: string | Uint8Array, opts: PutOptions = {}): Promise<{ succeeded: boolean; current?: KeyValue }> {
    const r = await this.call(KvCas, { key: enc(key), expectedModRevision: expected, value: enc(value), lease: opts.lease ?? 0n });
    return { succeeded: r.succeeded, current: r.current };
  }

  /** A new lease of `ttlMs` (> 0); returns its id. It expires unless kept alive (see keepLeaseAlive). */
  async grant(ttlMs: number): Promise<bigint> {
    if (!Number.isSafeInteger(ttlMs)) throw new InvalidLeaseTtlError(`lease TTL must be a whole number of ms, got ${ttlMs}`);
    return (await this.call(LeaseGrant, { ttlMs: BigInt(ttlMs) })).id;
  }

  /** Renews a lease for its full TTL; returns the TTL left (ms). LeaseNotFoundError if it is gone. */
  async keepAlive(id: bigint): Promise<number> {
    return Number((await this.call(LeaseKeepAliveMethod, { id })).ttlMs);
  }

  /** Ends a lease now, deleting every key attached to it; returns how many keys went. */
  async revoke(id: bigint): Promise<number> {
    return (await this.call(LeaseRevoke, { id })).deleted;
  }

  /** Keeps a lease alive in the background (a renewal every third of its TTL) until `stop()`. */
  keepLeaseAlive(id: bigint, opts: KeepAliveOptions = {}): LeaseKeepAliveLoop {
    return new LeaseKeepAliveLoop(id, (lease) => this.keepAlive(lease), opts);
  }

  /**
   * Every put and delete of keys starting with `prefix`, from `opts.fromRevision` on, in revision
   * order, each exactly once, across leader changes. Iterate with `for await`; `cancel()` ends it.
   */
  watch(prefix: string | Uint8Array, opts: WatchOptions = {}): WatchStream {
    const waitMs = opts.waitMs ?? DEFAULT_WATCH_WAIT_MS;
    const p = enc(prefix);
    return new WatchStream((fromRevision) => this.call(Watch, { prefix: p, fromRevision, waitMs, limit: opts.limit ?? 0 }, waitMs + this.timeoutMs), opts);
  }

  /**
   * `count` consecutive hybrid timestamps from the oracle; returns the first. Callers waiting at
   * the same time share one request (as TiDB's PD client does): one round trip hands out a
   * range that is split among them, so the oracle serves far more timestamps than requests.
   */
  timestamp(count = 1): Promise<bigint> {
    return this.tso.request(count);
  }

  status(nodeId: number): Promise<MessageShape<typeof ConsensusStatus.response>> {
    return this.bus.request(ConsensusStatus, this.subjects.consensus(nodeId, ConsensusStatus.name), {}, { timeoutMs: this.timeoutMs });
  }
}
