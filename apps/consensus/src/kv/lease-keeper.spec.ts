import { create, toBinary } from '@bufbuild/protobuf';
import { KvCommandSchema, type LeaseGrantReply } from '@quarry/proto';
import { describe, expect, it } from 'vitest';
import { KvCommandError } from './kv-errors';
import { KvStateMachine } from './kv-state-machine';
import { LeaseKeeper } from './lease-keeper';

function grant(sm: KvStateMachine, ttlMs: number): bigint {
  const data = toBinary(KvCommandSchema, create(KvCommandSchema, { op: { case: 'leaseGrant', value: { ttlMs: BigInt(ttlMs) } } }));
  return (sm.apply([{ type: 'normal', term: 1, index: 1, data }])[0] as LeaseGrantReply).id;
}

describe('LeaseKeeper', () => {
  it('proposes the expiry of a lease nobody renews; renewals keep one alive; a new term restarts the clocks', () => {
    const sm = new KvStateMachine();
    let now = 0;
    let term: number | undefined = 2;
    const expired: bigint[] = [];
    const led: number[] = [];
    const keeper = new LeaseKeeper({ sm, leaderTerm: () => term, proposeExpiry: async (id) => expired.push(id), onLead: (t) => led.push(t), now: () => now });
    const kept = grant(sm, 1000);
    const dropped = grant(sm, 1000);
    keeper.tick();
    expect(led).toEqual([2]);
    now = 900;
    expect(keeper.keepAlive(kept)).toBe(1000);
    now = 1000;
    keeper.tick();
    expect(expired).toEqual([dropped]);
    expect(() => keeper.keepAlive(dropped)).toThrow(KvCommandError); // ran out: no late rescue
    // leadership moves away and back (a new term): every lease starts a full TTL again
    term = undefined;
    keeper.tick();
    now = 1850;
    term = 3;
    keeper.tick();
    expect(led).toEqual([2, 3]);
    now = 2800;
    keeper.tick();
    expect(expired).toEqual([dropped]);
    now = 2850;
    keeper.tick();
    expect(expired.slice(1).sort()).toEqual([kept, dropped].sort());
  });

  it('refuses to renew an unknown lease or when not leading', () => {
    const sm = new KvStateMachine();
    let term: number | undefined = 1;
    const keeper = new LeaseKeeper({ sm, leaderTerm: () => term, proposeExpiry: async () => undefined });
    expect(() => keeper.keepAlive(77n)).toThrow(/lease 77 not found/);
    const id = grant(sm, 5000);
    expect(keeper.keepAlive(id)).toBe(5000);
    term = undefined;
    expect(() => keeper.keepAlive(id)).toThrow(KvCommandError);
  });
});
