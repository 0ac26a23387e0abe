import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import { afterEach, describe, expect, it } from 'vitest';
import { MultiRaftHost } from './multi-raft-host';
import { ByteRateLimiter, SnapshotPacer, type SnapshotSent } from './snapshot-pacer';
import { LocalNetwork } from './testing/local-transport';
import { AppendOnlyMachine } from './testing/register-machine';
import { waitFor } from './testing/wait-for';

/** A clock that only moves when the pacer sleeps: pacing measured exactly, no real waiting. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
    slept,
  };
}

describe('ByteRateLimiter', () => {
  it('lets a burst through, then charges the rate, and refills only up to the burst', () => {
    let t = 0;
    const bucket = new ByteRateLimiter(1000, 500, () => t);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(250)).toBe(250); // 250 bytes in debt at 1000 B/s
    t += 250;
    expect(bucket.take(0)).toBe(0);
    t += 10_000; // a long idle time refills to the burst, not beyond
    expect(bucket.take(600)).toBe(100);
    expect(() => new ByteRateLimiter(0)).toThrow(/positive/);
  });
});

describe('SnapshotPacer', () => {
  it('sends at the configured rate across snapshots of all groups, in order, and reports each when its last piece left', async () => {
    const clock = fakeTime();
    const sent: SnapshotSent[] = [];
    const pacer = new SnapshotPacer(new ByteRateLimiter(10_000, 1000, clock.now), (s) => sent.push(s), clock.sleep, clock.now);
    const wire: string[] = [];
    const done: string[] = [];
    const piece = (n: number) => new Uint8Array(n);
    pacer.send({ groupId: 1, toStore: 2 }, [piece(4000), piece(4000), piece(2000)], () => wire.push('g1'), (ok) => done.push(`g1:${ok}`));
    pacer.send({ groupId: 7, toStore: 3 }, [piece(5000)], () => wire.push('g7'), (ok) => done.push(`g7:${ok}`));
    await waitFor(() => done.length === 2);
    expect(wire).toEqual(['g1', 'g1', 'g1', 'g7']);
    expect(done).toEqual(['g1:true', 'g7:true']);
    // 15,000 bytes at 10,000 B/s with a 1,000-byte burst: 1.4 s of waiting in all.
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBeCloseTo(1400, 6);
    expect(sent.map((s) => [s.groupId, s.toStore, s.bytes])).toEqual([
      [1, 2, 10_000],
      [7, 3, 5000],
    ]);
    expect(sent[0].ms).toBeCloseTo(900, 6); // (10,000 - 1,000) / 10,000 s
    expect(sent[1].ms).toBeCloseTo(1400, 6); // queued at 0, behind group 1's snapshot
    expect(pacer.stats).toMatchObject({ snapshotsSent: 2, bytesSent: 15_000 });
  });

  it('reports a queued snapshot as not sent once closed, and survives a throwing transport', async () => {
    const clock = fakeTime();
    const pacer = new SnapshotPacer(new ByteRateLimiter(1000, 1, clock.now), undefined, clock.sleep, clock.now);
    const done: boolean[] = [];
    pacer.send({ groupId: 1, toStore: 2 }, [new Uint8Array(10)], () => {
      throw new Error('connection closed');
    }, (ok) => done.push(ok));
    pacer.send({ groupId: 1, toStore: 2 }, [new Uint8Array(10)], () => undefined, (ok) => done.push(ok));
    await waitFor(() => done.length === 2);
    expect(done).toEqual([false, true]);
    pacer.close();
    pacer.send({ groupId: 1, toStore: 2 }, [new Uint8Array(10)], () => undefined, (ok) => done.push(ok));
    await waitFor(() => done.length === 3);
    expect(done[2]).toBe(false);
  });
});

describe('MultiRaftHost with a snapshot pacer', () => {
  const dirs: string[] = [];
  const hosts: { host: MultiRaftHost; log: RaftLogEngine }[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) {
      await h.host.stop();
      await h.log.close();
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('rebuilds a new replica from a snapshot sent no faster than the limit, and only once', async () => {
    const RATE = 200_000;
    const BURST = 10_000;
    const net = new LocalNetwork();
    const sent: SnapshotSent[] = [];
    const start = async (id: number, peers?: number[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'quarry-pace-'));
      dirs.push(dir);
      const log = await RaftLogEngine.open(dir);
      const pacer = new SnapshotPacer(new ByteRateLimiter(RATE, BURST), (s) => sent.push(s));
      const host = new MultiRaftHost({ storeId: id, log, transport: net.transport(), tickMs: 50, snapshotEntries: 20, compactionLag: 5, proposalTimeoutMs: 20_000, snapshotPacer: pacer });
      const sm = new AppendOnlyMachine();
      await host.openGroup(1, sm, peers);
      host.start();
      hosts.push({ host, log });
      return { host, sm };
    };
    const members = await Promise.all([1, 2].map((id) => start(id, [1, 2, 3])));
    const leader = await waitFor(() => members.find((m) => m.host.group(1).isLeader));
    const value = 'x'.repeat(2000);
    for (let i = 0; i < 150; i++) await leader.host.propose(1, new TextEncoder().encode(`${i}:${value}`));
    const t0 = performance.now();
    const fresh = await start(3); // no peers and an empty log: only a snapshot can bring it up
    await waitFor(() => fresh.sm.values.length >= 150, 20_000);
    const elapsed = performance.now() - t0;
    const toFresh = sent.filter((s) => s.toStore === 3);
    expect(toFresh).toHaveLength(1);
    expect(toFresh[0].bytes).toBeGreaterThan(200_000); // ~140 entries of 2 KB: more than a second at the limit
    const floorMs = ((toFresh[0].bytes - BURST) / RATE) * 1000;
    expect(toFresh[0].ms).toBeGreaterThanOrEqual(floorMs - 1);
    expect(elapsed).toBeGreaterThanOrEqual(floorMs - 1);
    expect(fresh.sm.values.slice(0, 150)).toEqual(members[0].sm.values.slice(0, 150));
  }, 30_000);
});
