import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights';
import { Progress } from './progress';

describe('Inflights', () => {
  it('fills up by count and frees in order', () => {
    const in_ = new Inflights(3);
    in_.add(1, 10);
    in_.add(2, 10);
    expect(in_.full()).toBe(false);
    in_.add(3, 10);
    expect(in_.full()).toBe(true);
    expect(() => in_.add(4, 1)).toThrow();
    in_.freeLE(2);
    expect(in_.len()).toBe(1);
    expect(in_.totalBytes()).toBe(10);
    in_.freeLE(1); // stale ack: no effect
    expect(in_.len()).toBe(1);
    in_.freeLE(3);
    expect(in_.len()).toBe(0);
  });

  it('wraps around the ring buffer', () => {
    const in_ = new Inflights(4);
    for (let i = 1; i <= 100; i++) {
      in_.add(i, 1);
      if (in_.full()) in_.freeLE(i - 1);
    }
    expect(in_.len()).toBeLessThanOrEqual(4);
    in_.freeLE(100);
    expect(in_.len()).toBe(0);
  });

  it('limits bytes in flight', () => {
    const in_ = new Inflights(100, 100);
    in_.add(1, 60);
    expect(in_.full()).toBe(false);
    in_.add(2, 60);
    expect(in_.full()).toBe(true);
    in_.freeLE(1);
    expect(in_.full()).toBe(false);
    expect(in_.totalBytes()).toBe(60);
  });
});

const newProgress = (match: number, next: number): Progress => new Progress(match, next, new Inflights(2), false);

describe('Progress', () => {
  it('probe sends one message at a time', () => {
    const p = newProgress(0, 5);
    expect(p.isPaused()).toBe(false);
    p.sentEntries(3, 30);
    expect(p.isPaused()).toBe(true);
    expect(p.next).toBe(5); // probes do not advance next optimistically
  });

  it('replicate pipelines until the window is full', () => {
    const p = newProgress(4, 5);
    p.becomeReplicate();
    p.sentEntries(2, 20);
    expect(p.next).toBe(7);
    expect(p.isPaused()).toBe(false);
    p.sentEntries(1, 10);
    expect(p.isPaused()).toBe(true);
    expect(p.maybeUpdate(6)).toBe(true);
    p.inflights.freeLE(6);
    expect(p.match).toBe(6);
    expect(p.maybeUpdate(5)).toBe(false); // stale
  });

  it('maybeDecrTo: replicate falls back to match+1, probe uses the hint', () => {
    const r = newProgress(5, 10);
    r.becomeReplicate();
    r.next = 10;
    expect(r.maybeDecrTo(4, 4)).toBe(false); // rejection of something below match: stale
    expect(r.maybeDecrTo(9, 7)).toBe(true);
    expect(r.next).toBe(6);

    const p = newProgress(0, 10);
    expect(p.maybeDecrTo(8, 3)).toBe(false); // not the last probe (next-1 = 9)
    expect(p.maybeDecrTo(9, 3)).toBe(true);
    expect(p.next).toBe(4);
    expect(p.maybeDecrTo(3, 0)).toBe(true);
    expect(p.next).toBe(1);
  });

  it('snapshot state pauses until resolved, then probes after the snapshot', () => {
    const p = newProgress(2, 3);
    p.becomeSnapshot(10);
    expect(p.isPaused()).toBe(true);
    p.becomeProbe();
    expect(p.next).toBe(11);
    expect(p.pendingSnapshot).toBe(0);
  });
});
