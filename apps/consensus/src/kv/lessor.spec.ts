import { describe, expect, it } from 'vitest';
import { Lessor } from './lessor';

describe('Lessor', () => {
  it('expires a lease after its TTL unless renewed, and proposes its revocation once per retry period', () => {
    const l = new Lessor();
    l.lead(3);
    l.sync([{ id: 1n, ttlMs: 1000 }, { id: 2n, ttlMs: 1000 }], 1, 10_000);
    expect(l.expired(10_500)).toEqual([]);
    expect(l.renew(1n, 1000, 10_900)).toBe(1000);
    expect(l.expired(11_000)).toEqual([2n]);
    expect(l.expired(11_100)).toEqual([]); // revocation already proposed
    expect(l.renew(2n, 1000, 11_200)).toBeUndefined(); // ran out: cannot be renewed
    expect(l.remaining(1n, 11_400)).toBe(500);
    expect(l.expired(11_900)).toEqual([1n]);
    expect(l.expired(12_100)).toEqual([2n]); // its revocation got lost: propose again
  });

  it('gives every lease a fresh full TTL when leadership starts or changes', () => {
    const l = new Lessor();
    const leases = [{ id: 1n, ttlMs: 2000 }];
    l.lead(1);
    l.sync(leases, 1, 0);
    expect(l.remaining(1n, 1500)).toBe(500);
    l.stepDown();
    expect(l.remaining(1n, 1500)).toBeUndefined();
    l.lead(2);
    l.sync(leases, 1, 1900); // same generation, yet a new term re-reads every lease
    expect(l.remaining(1n, 1900)).toBe(2000);
    expect(l.expired(3800)).toEqual([]);
    l.lead(3); // a later term without an observed step-down also restarts the clocks
    l.sync(leases, 1, 3800);
    expect(l.remaining(1n, 3800)).toBe(2000);
  });

  it('starts clocks of newly granted leases and forgets revoked ones', () => {
    const l = new Lessor();
    l.lead(1);
    l.sync([{ id: 1n, ttlMs: 100 }], 1, 0);
    l.sync([{ id: 1n, ttlMs: 100 }, { id: 2n, ttlMs: 300 }], 2, 50);
    expect(l.remaining(2n, 50)).toBe(300);
    expect(l.remaining(1n, 50)).toBe(50);
    l.sync([{ id: 2n, ttlMs: 300 }], 3, 60);
    expect(l.remaining(1n, 60)).toBeUndefined();
    expect(l.expired(1000)).toEqual([2n]);
  });

  it('does nothing while not leading', () => {
    const l = new Lessor();
    l.sync([{ id: 1n, ttlMs: 100 }], 1, 0);
    expect(l.expired(1_000_000)).toEqual([]);
  });
});
