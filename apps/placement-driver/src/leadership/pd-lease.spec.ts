import type { KeyValue } from '@quarry/proto';
import { describe, expect, it } from 'vitest';
import { PD_LEASE_KEY, PdLease } from './pd-lease';

/** The consensus KV's compare-and-set semantics, in memory. */
class FakeKv {
  kv?: KeyValue;
  rev = 0n;
  async get(): Promise<KeyValue | undefined> {
    return this.kv;
  }
  async compareAndSet(_key: string | Uint8Array, expected: bigint, value: string | Uint8Array): Promise<{ succeeded: boolean; current?: KeyValue }> {
    if ((this.kv?.modRevision ?? 0n) !== expected) return { succeeded: false, current: this.kv };
    this.rev++;
    this.kv = { $typeName: 'quarry.v1.KeyValue', key: new TextEncoder().encode(PD_LEASE_KEY), value: typeof value === 'string' ? new TextEncoder().encode(value) : value, createRevision: this.rev, modRevision: this.rev, lease: 0n };
    return { succeeded: true, current: this.kv };
  }
  async delete(): Promise<boolean> {
    this.kv = undefined;
    return true;
  }
}

describe('PdLease', () => {
  it('one PD is active; a standby takes over only after the holder stops renewing for a TTL', async () => {
    const kv = new FakeKv();
    let clock = 0;
    const a = new PdLease(kv, { instanceId: 'pd-a', ttlMs: 3000, now: () => clock });
    const b = new PdLease(kv, { instanceId: 'pd-b', ttlMs: 3000, now: () => clock });
    expect(await a.step()).toBe(true);
    expect(await b.step()).toBe(false);
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      expect(await a.step()).toBe(true);
      expect(await b.step()).toBe(false);
    }
    // a stops (crash): b waits a whole TTL from the last revision it saw
    clock += 1000;
    expect(await b.step()).toBe(false);
    clock += 1500;
    expect(await b.step()).toBe(false);
    clock += 1000;
    expect(await b.step()).toBe(true);
    // a comes back: it sees b's revision and stays standby
    expect(await a.step()).toBe(false);
    expect(a.isActive).toBe(false);
  });

  it('an active PD that cannot renew stops calling itself active after the TTL', async () => {
    const kv = new FakeKv();
    let clock = 0;
    const a = new PdLease(kv, { instanceId: 'pd-a', ttlMs: 3000, now: () => clock });
    await a.step();
    clock += 3000;
    expect(a.isActive).toBe(false);
  });

  it("the holder's lease runs from before its renewal request, not from the reply", async () => {
    let clock = 0;
    const kv = new FakeKv();
    const slow = {
      get: () => kv.get(),
      delete: () => kv.delete(),
      compareAndSet: async (key: string | Uint8Array, expected: bigint, value: string | Uint8Array) => {
        const r = await kv.compareAndSet(key, expected, value);
        clock += 400; // committed at once, the reply is slow
        return r;
      },
    };
    const a = new PdLease(slow, { instanceId: 'pd-a', ttlMs: 3000, now: () => clock });
    expect(await a.step()).toBe(true);
    expect(clock).toBe(400);
    clock = 2999;
    expect(a.isActive).toBe(true);
    clock = 3000; // a standby that saw the revision at commit time (0) may take over now
    expect(a.isActive).toBe(false);
  });

  it('release hands over at once', async () => {
    const kv = new FakeKv();
    const a = new PdLease(kv, { instanceId: 'pd-a', ttlMs: 3000, now: () => 0 });
    const b = new PdLease(kv, { instanceId: 'pd-b', ttlMs: 3000, now: () => 0 });
    await a.step();
    await a.release();
    expect(await b.step()).toBe(true);
  });
});
