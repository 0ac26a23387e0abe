import { create, toBinary } from '@bufbuild/protobuf';
import { KvCommandSchema, WatchEventType, type KvCommand, type LeaseGrantReply, type LeaseRevokeReply } from '@quarry/proto';
import type { Entry } from '@quarry/raft';
import { describe, expect, it } from 'vitest';
import { KvCommandError } from './kv-errors';
import { KvStateMachine, type KvResult } from './kv-state-machine';
import { CompactedError } from './watch-history';

const te = new TextEncoder();
const td = new TextDecoder();
let index = 0;
const entry = (op: KvCommand['op']): Entry => ({ type: 'normal', term: 1, index: ++index, data: toBinary(KvCommandSchema, create(KvCommandSchema, { op })) });

function run(sm: KvStateMachine, op: KvCommand['op']): KvResult {
  return sm.apply([entry(op)])[0];
}
const put = (sm: KvStateMachine, key: string, value: string, lease = 0n): KvResult => run(sm, { case: 'put', value: { $typeName: 'quarry.v1.KvPutRequest', key: te.encode(key), value: te.encode(value), lease } });
const del = (sm: KvStateMachine, key: string): KvResult => run(sm, { case: 'delete', value: { $typeName: 'quarry.v1.KvDeleteRequest', key: te.encode(key) } });
const grant = (sm: KvStateMachine, ttlMs: number): KvResult => run(sm, { case: 'leaseGrant', value: { $typeName: 'quarry.v1.LeaseGrantRequest', ttlMs: BigInt(ttlMs) } });
const revoke = (sm: KvStateMachine, id: bigint, expired = false): KvResult => run(sm, { case: 'leaseRevoke', value: { $typeName: 'quarry.v1.LeaseRevokeRequest', id, expired } });
const keys = (sm: KvStateMachine, prefix = ''): string[] => sm.range(te.encode(prefix), new Uint8Array(0), 0).kvs.map((kv) => td.decode(kv.key));

describe('KvStateMachine leases', () => {
  it('deletes every attached key, one revision each, when a lease expires', () => {
    const sm = new KvStateMachine();
    const { id } = grant(sm, 5000) as LeaseGrantReply;
    expect(id).toBe(1n);
    put(sm, 'a/1', 'x', id);
    put(sm, 'a/2', 'y', id);
    put(sm, 'b/free', 'z');
    expect(sm.revision).toBe(3n);
    const r = revoke(sm, id, true) as LeaseRevokeReply;
    expect(r.deleted).toBe(2);
    expect(r.revision).toBe(5n);
    expect(keys(sm)).toEqual(['b/free']);
    expect(sm.lease(id)).toBeUndefined();
    const deletes = sm.history.since(new Uint8Array(0), 4n, 100).events;
    expect(deletes.map((e) => [e.type, td.decode(e.kv!.key), e.kv!.modRevision])).toEqual([
      [WatchEventType.DELETE, 'a/1', 4n],
      [WatchEventType.DELETE, 'a/2', 5n],
    ]);
  });

  it('revoke deletes the keys; a put without the lease detaches a key; a deleted key is detached', () => {
    const sm = new KvStateMachine();
    const { id } = grant(sm, 1000) as LeaseGrantReply;
    put(sm, 'k1', 'v', id);
    put(sm, 'k2', 'v', id);
    put(sm, 'k3', 'v', id);
    put(sm, 'k2', 'v2'); // detached: survives the revoke
    del(sm, 'k3');
    expect(sm.leaseKeys(id).map((k) => td.decode(k))).toEqual(['k1']);
    expect((revoke(sm, id) as LeaseRevokeReply).deleted).toBe(1);
    expect(keys(sm)).toEqual(['k2']);
  });

  it('moves a key from one lease to another', () => {
    const sm = new KvStateMachine();
    const a = (grant(sm, 1000) as LeaseGrantReply).id;
    const b = (grant(sm, 1000) as LeaseGrantReply).id;
    expect(b).not.toBe(a);
    put(sm, 'k', 'v', a);
    put(sm, 'k', 'v', b);
    expect((revoke(sm, a) as LeaseRevokeReply).deleted).toBe(0);
    expect(keys(sm)).toEqual(['k']);
    expect(sm.get(te.encode('k'))!.lease).toBe(b);
  });

  it('refuses unknown leases and non-positive TTLs without changing state', () => {
    const sm = new KvStateMachine();
    const before = sm.revision;
    const unknown = put(sm, 'k', 'v', 42n);
    expect(unknown).toBeInstanceOf(KvCommandError);
    expect((unknown as KvCommandError).code).toBe('NOT_FOUND');
    expect((unknown as KvCommandError).details).toEqual({ reason: 'LEASE_NOT_FOUND', lease: '42' });
    expect(revoke(sm, 7n)).toBeInstanceOf(KvCommandError);
    for (const ttl of [0, -5]) {
      const r = grant(sm, ttl);
      expect(r).toBeInstanceOf(KvCommandError);
      expect((r as KvCommandError).code).toBe('INVALID_ARGUMENT');
    }
    expect(sm.revision).toBe(before);
    expect(keys(sm)).toEqual([]);
    expect([...sm.leases()]).toEqual([]);
  });

  it('never reuses a lease id, also after a snapshot', () => {
    const sm = new KvStateMachine();
    const a = (grant(sm, 1000) as LeaseGrantReply).id;
    revoke(sm, a);
    const copy = new KvStateMachine();
    copy.restore(sm.snapshot());
    expect((grant(copy, 1000) as LeaseGrantReply).id).toBe(a + 1n);
  });
});

describe('KvStateMachine snapshots', () => {
  it('carry leases, attachments, watch history and the TSO limit', () => {
    const sm = new KvStateMachine({ historyRevisions: 100 });
    const { id } = grant(sm, 3000) as LeaseGrantReply;
    put(sm, 'l/1', 'a', id);
    put(sm, 'l/2', 'b', id);
    put(sm, 'free', 'c');
    del(sm, 'free');
    run(sm, { case: 'tsoLimit', value: { $typeName: 'quarry.v1.TsoLimit', limitMs: 123_456n } });
    const copy = new KvStateMachine({ historyRevisions: 100 });
    copy.restore(sm.snapshot());
    expect(copy.revision).toBe(sm.revision);
    expect(copy.persistedTsoLimit()).toBe(123_456);
    expect(copy.lease(id)?.ttlMs).toBe(3000);
    expect(copy.leaseKeys(id).map((k) => td.decode(k))).toEqual(['l/1', 'l/2']);
    expect(copy.history.all()).toEqual(sm.history.all());
    expect(copy.history.compactRevision).toBe(0n);
    // the restored replica goes on exactly like the original
    expect((revoke(copy, id) as LeaseRevokeReply).deleted).toBe(2);
    expect(keys(copy)).toEqual([]);
    expect(copy.history.since(new Uint8Array(0), 1n, 100).events.map((e) => e.kv!.modRevision)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
  });

  it('the TSO limit no longer takes revisions and never goes down', () => {
    const sm = new KvStateMachine();
    run(sm, { case: 'tsoLimit', value: { $typeName: 'quarry.v1.TsoLimit', limitMs: 5000n } });
    run(sm, { case: 'tsoLimit', value: { $typeName: 'quarry.v1.TsoLimit', limitMs: 4000n } });
    expect(sm.persistedTsoLimit()).toBe(5000);
    expect(sm.revision).toBe(0n);
  });
});

describe('KvStateMachine watch history', () => {
  it('returns events from a revision on, by prefix, in order, paged by limit', () => {
    const sm = new KvStateMachine();
    for (let i = 1; i <= 6; i++) put(sm, i % 2 ? `odd/${i}` : `even/${i}`, `v${i}`);
    del(sm, 'odd/3');
    const page1 = sm.history.since(te.encode('odd/'), 2n, 2);
    expect(page1.events.map((e) => td.decode(e.kv!.key))).toEqual(['odd/3', 'odd/5']);
    expect(page1.next).toBe(6n);
    const page2 = sm.history.since(te.encode('odd/'), page1.next, 2);
    expect(page2.events.map((e) => [e.type, td.decode(e.kv!.key), e.kv!.modRevision])).toEqual([[WatchEventType.DELETE, 'odd/3', 7n]]);
    expect(page2.next).toBe(8n);
    expect(sm.history.since(te.encode('odd/'), 8n, 2)).toEqual({ events: [], next: 8n });
    expect(td.decode(page1.events[1].kv!.value)).toBe('v5');
  });

  it('compacts beyond the retention and refuses older revisions with COMPACTED', () => {
    const sm = new KvStateMachine({ historyRevisions: 5 });
    for (let i = 1; i <= 12; i++) put(sm, `k${i}`, 'v');
    expect(sm.history.compactRevision).toBe(7n);
    expect(sm.history.size).toBe(5);
    expect(() => sm.history.since(new Uint8Array(0), 7n, 10)).toThrow(CompactedError);
    try {
      sm.history.since(new Uint8Array(0), 3n, 10);
    } catch (err) {
      expect((err as CompactedError).compactRevision).toBe(7n);
    }
    expect(sm.history.since(new Uint8Array(0), 8n, 10).events.map((e) => e.kv!.modRevision)).toEqual([8n, 9n, 10n, 11n, 12n]);
    // a snapshot carries the compacted history; the restored replica refuses the same revisions
    const copy = new KvStateMachine({ historyRevisions: 5 });
    copy.restore(sm.snapshot());
    expect(copy.history.compactRevision).toBe(7n);
    expect(() => copy.history.since(new Uint8Array(0), 5n, 10)).toThrow(CompactedError);
    expect(copy.history.since(new Uint8Array(0), 8n, 10).events).toHaveLength(5);
  });

  it('keeps trimming correctly over many revisions', () => {
    const sm = new KvStateMachine({ historyRevisions: 100 });
    for (let i = 1; i <= 5000; i++) put(sm, `k${i % 17}`, String(i));
    expect(sm.history.compactRevision).toBe(4900n);
    const all = sm.history.since(new Uint8Array(0), 4901n, 1000).events;
    expect(all.map((e) => Number(e.kv!.modRevision))).toEqual(Array.from({ length: 100 }, (_, i) => 4901 + i));
  });

  it('a snapshot from before watches existed counts as fully compacted', () => {
    const sm = new KvStateMachine();
    for (let i = 1; i <= 3; i++) put(sm, `k${i}`, 'v');
    const copy = new KvStateMachine();
    copy.restore(sm.snapshot());
    // simulate an old snapshot: same kvs and revision, no history
    const old = new KvStateMachine();
    const legacy = new KvStateMachine();
    legacy.revision = 3n;
    old.restore(legacy.snapshot());
    expect(old.history.compactRevision).toBe(3n);
    expect(() => old.history.since(new Uint8Array(0), 1n, 10)).toThrow(CompactedError);
    expect(copy.history.compactRevision).toBe(0n);
  });
});

describe('KvStateMachine watch history byte bound', () => {
  it('drops the oldest events when values outgrow the byte limit, and pages replies by bytes', () => {
    const sm = new KvStateMachine({ historyRevisions: 1000, historyBytes: 10_000 });
    const big = 'x'.repeat(3000);
    for (let i = 1; i <= 10; i++) put(sm, `big/${i}`, big);
    expect(sm.history.byteSize).toBeLessThanOrEqual(10_000);
    expect(sm.history.size).toBe(3);
    expect(sm.history.compactRevision).toBe(7n);
    const page = sm.history.since(te.encode('big/'), 8n, 100, 4000);
    expect(page.events.map((e) => e.kv!.modRevision)).toEqual([8n, 9n]);
    expect(page.next).toBe(10n);
    // a single event bigger than the page still goes out alone
    expect(sm.history.since(te.encode('big/'), 10n, 100, 10).events).toHaveLength(1);
    const copy = new KvStateMachine({ historyRevisions: 1000, historyBytes: 10_000 });
    copy.restore(sm.snapshot());
    expect(copy.history.byteSize).toBe(sm.history.byteSize);
  });
});
