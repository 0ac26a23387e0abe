import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { GroupStateMachine } from '@quarry/multiraft';
import {
  KvCommandSchema,
  KvSnapshotSchema,
  LeaseSchema,
  type KeyValue,
  type KvCasReply,
  type KvDeleteReply,
  type KvPutReply,
  type LeaseGrantReply,
  type LeaseRevokeReply,
  type TsoLimit,
} from '@quarry/proto';
import type { Entry } from '@quarry/raft';
import { readPutCommand, type PutFields } from './kv-command-bytes';
import { KvCommandError, leaseNotFound } from './kv-errors';
import { WatchHistory } from './watch-history';

export type KvResult = KvPutReply | KvDeleteReply | KvCasReply | LeaseGrantReply | LeaseRevokeReply | TsoLimit | KvCommandError;

/** Byte-order-preserving map key: latin1 maps each byte to one UTF-16 code unit. */
const keyOf = (k: Uint8Array): string => Buffer.from(k.buffer, k.byteOffset, k.length).toString('latin1');
const bytesOf = (k: string): Uint8Array => new Uint8Array(Buffer.from(k, 'latin1'));

/** Where the oracle's limit lived before it had its own command; still read from old logs. */
export const LEGACY_TSO_LIMIT_KEY = new TextEncoder().encode('\u0000tso/limit');

export interface LeaseState {
  readonly id: bigint;
  readonly ttlMs: number;
  /** Keys (latin1 map keys) attached to the lease. */
  readonly keys: Set<string>;
}

export interface KvStateMachineOptions {
  /** Revisions of watch history kept (older watches get COMPACTED). */
  historyRevisions?: number;
  /** Bytes of watch history kept at most (keys + values). */
  historyBytes?: number;
}

export const DEFAULT_HISTORY_REVISIONS = 10_000;
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;

/**
 * The metadata KV replicated by the consensus group: etcd-like revisions (one per applied write,
 * and one per key a lease takes with it), create/mod revision per key, leases and their keys,
 * and a bounded history of events for watches. Small by design (cluster metadata), so it lives
 * in memory and is rebuilt from the Raft snapshot + log at start. Lease expiry is not decided
 * here (it needs a clock): the leader proposes a revoke when a lease runs out (see Lessor).
 */
export class KvStateMachine implements GroupStateMachine {
  private readonly kvs = new Map<string, KeyValue>();
  private readonly leaseTable = new Map<bigint, LeaseState>();
  private lastLeaseId = 0n;
  readonly history: WatchHistory;
  revision = 0n;
  /** The oracle's persisted limit (ms). */
  tsoLimitMs = 0;
  /** Bumped when a lease is granted or revoked, so the lessor re-reads the table only then. */
  leaseGeneration = 0;
  private readonly appliedListeners = new Set<() => void>();

  constructor(opts: KvStateMachineOptions = {}) {
    this.history = new WatchHistory({ revisions: opts.historyRevisions ?? DEFAULT_HISTORY_REVISIONS, bytes: opts.historyBytes ?? DEFAULT_HISTORY_BYTES });
  }

  /** Called after every applied batch (watchers wake up on it). */
  onApplied(listener: () => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  apply(entries: Entry[]): KvResult[] {
    const results = entries.map((e) => this.applyOne(e.data));
    for (const l of this.appliedListeners) l();
    return results;
  }

  private applyOne(data: Uint8Array): KvResult {
    const put = readPutCommand(data);
    if (put) return this.put(put);
    let cmd;
    try {
      cmd = fromBinary(KvCommandSchema, data);
    } catch (err) {
      // Every replica rejects the same bytes the same way, so state stays identical.
      return new KvCommandError('INVALID_ARGUMENT', `malformed KV command: ${(err as Error).message}`);
    }
    const op = cmd.op;
    switch (op.case) {
      case 'put':
        return this.put(op.value);
      case 'delete': {
        const deleted = this.remove(keyOf(op.value.key));
        return { $typeName: 'quarry.v1.KvDeleteReply', deleted, revision: this.revision };
      }
      case 'cas': {
        const current = this.kvs.get(keyOf(op.value.key));
        const currentRev = current?.modRevision ?? 0n;
        if (currentRev !== op.value.expectedModRevision) {
          return { $typeName: 'quarry.v1.KvCasReply', succeeded: false, revision: this.revision, current };
        }
        const refused = this.checkLease(op.value.lease);
        if (refused) return refused;
        const kv = this.write(op.value.key, op.value.value, op.value.lease);
        return { $typeName: 'quarry.v1.KvCasReply', succeeded: true, revision: this.revision, current: kv };
      }
      case 'leaseGrant': {
        const ttlMs = Number(op.value.ttlMs);
        if (!(ttlMs > 0) || !Number.isSafeInteger(ttlMs)) return new KvCommandError('INVALID_ARGUMENT', `lease TTL must be a positive number of ms, got ${op.value.ttlMs}`, { reason: 'INVALID_TTL' });
        // Ids come from a replicated counter: identical on every replica, never reused.
        const id = ++this.lastLeaseId;
        this.leaseTable.set(id, { id, ttlMs, keys: new Set() });
        this.leaseGeneration++;
        return { $typeName: 'quarry.v1.LeaseGrantReply', id, ttlMs: BigInt(ttlMs) };
      }
      case 'leaseRevoke': {
        const lease = this.leaseTable.get(op.value.id);
        if (!lease) return leaseNotFound(op.value.id);
        // Sorted so every replica deletes (and numbers the revisions) in the same order.
        const keys = [...lease.keys].sort();
        for (const k of keys) this.remove(k);
        this.leaseTable.delete(lease.id);
        this.leaseGeneration++;
        return { $typeName: 'quarry.v1.LeaseRevokeReply', deleted: keys.length, revision: this.revision };
      }
      case 'tsoLimit': {
        // Only ever raised: a late proposal of an older leader cannot lower it.
        this.tsoLimitMs = Math.max(this.tsoLimitMs, Number(op.value.limitMs));
        return op.value;
      }
      default:
        return new KvCommandError('INVALID_ARGUMENT', 'empty KV command');
    }
  }

  private put(p: PutFields): KvResult {
    const refused = this.checkLease(p.lease);
    if (refused) return refused;
    this.write(p.key, p.value, p.lease);
    return { $typeName: 'quarry.v1.KvPutReply', revision: this.revision };
  }

  private checkLease(lease: bigint): KvCommandError | undefined {
    return lease === 0n || this.leaseTable.has(lease) ? undefined : leaseNotFound(lease);
  }

  private write(key: Uint8Array, value: Uint8Array, lease: bigint): KeyValue {
    this.revision++;
    const k = keyOf(key);
    const prev = this.kvs.get(k);
    if (prev && prev.lease !== lease) this.leaseTable.get(prev.lease)?.keys.delete(k);
    if (lease) this.leaseTable.get(lease)!.keys.add(k);
    // A literal, not create(): this runs for every write applied.
    const kv: KeyValue = { $typeName: 'quarry.v1.KeyValue', key, value, createRevision: prev?.createRevision ?? this.revision, modRevision: this.revision, lease };
    this.kvs.set(k, kv);
    this.history.put(kv);
    return kv;
  }

  private remove(k: string): boolean {
    const prev = this.kvs.get(k);
    if (!prev) return false;
    this.kvs.delete(k);
    if (prev.lease) this.leaseTable.get(prev.lease)?.keys.delete(k);
    this.revision++;
    this.history.delete(prev.key, this.revision);
    return true;
  }

  get(key: Uint8Array): KeyValue | undefined {
    return this.kvs.get(keyOf(key));
  }

  lease(id: bigint): LeaseState | undefined {
    return this.leaseTable.get(id);
  }

  leases(): Iterable<LeaseState> {
    return this.leaseTable.values();
  }

  /** Keys in [start, end) in byte order; empty end = every key with `start` as prefix. */
  range(start: Uint8Array, end: Uint8Array, limit: number): { kvs: KeyValue[]; more: boolean } {
    const s = keyOf(start);
    const e = end.length ? keyOf(end) : undefined;
    const hits = [...this.kvs.entries()].filter(([k]) => (e === undefined ? k.startsWith(s) : k >= s && k < e)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const max = limit || hits.length;
    return { kvs: hits.slice(0, max).map(([, v]) => v), more: hits.length > max };
  }

  /** The oracle's limit, including one persisted as a key by older versions. */
  persistedTsoLimit(): number {
    const legacy = this.kvs.get(keyOf(LEGACY_TSO_LIMIT_KEY));
    return Math.max(this.tsoLimitMs, legacy ? Number(new TextDecoder().decode(legacy.value)) || 0 : 0);
  }

  snapshot(): Uint8Array {
    return toBinary(
      KvSnapshotSchema,
      create(KvSnapshotSchema, {
        revision: this.revision,
        kvs: [...this.kvs.values()],
        leases: [...this.leaseTable.values()].map((l) => create(LeaseSchema, { id: l.id, ttlMs: BigInt(l.ttlMs) })),
        lastLeaseId: this.lastLeaseId,
        history: this.history.all(),
        compactRevision: this.history.compactRevision,
        tsoLimitMs: BigInt(this.tsoLimitMs),
      }),
    );
  }

  restore(data: Uint8Array): void {
    const snap = fromBinary(KvSnapshotSchema, data);
    this.kvs.clear();
    this.leaseTable.clear();
    this.revision = snap.revision;
    this.lastLeaseId = snap.lastLeaseId;
    this.tsoLimitMs = Number(snap.tsoLimitMs);
    for (const l of snap.leases) this.leaseTable.set(l.id, { id: l.id, ttlMs: Number(l.ttlMs), keys: new Set() });
    for (const kv of snap.kvs) {
      const k = keyOf(kv.key);
      this.kvs.set(k, kv);
      if (kv.lease) this.leaseTable.get(kv.lease)?.keys.add(k);
    }
    // A snapshot from before watches existed has no history: everything up to it is compacted.
    this.history.restore(snap.history, snap.revision);
    this.leaseGeneration++;
    for (const l of this.appliedListeners) l();
  }

  /** For tests and diagnostics: the keys attached to a lease, as bytes. */
  leaseKeys(id: bigint): Uint8Array[] {
    return [...(this.leaseTable.get(id)?.keys ?? [])].sort().map(bytesOf);
  }
}
