import { ConsensusClient, InvalidLeaseTtlError, LeaseNotFoundError, WatchCompactedError, type WatchStream } from '@quarry/consensus-client';
import { WatchEventType, type WatchEvent } from '@quarry/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsensusReplicas } from '../support/consensus-replicas';
import { eventually } from '../support/processes';

const HISTORY_REVISIONS = 1000;
const td = new TextDecoder();

/** Leases and watches on 3 consensus processes over real NATS, with the leader killed (-9) under them. */
describe('consensus: leases and watches across leader changes', () => {
  const rs = new ConsensusReplicas('e2e-lw', { env: { QUARRY_WATCH_HISTORY_REVISIONS: String(HISTORY_REVISIONS) }, clientDeadlineMs: 20_000 });
  let client: ConsensusClient;

  /** Kills the leader with SIGKILL, waits for a new one, and brings the old one back from its disk. */
  async function killLeader(): Promise<{ old: number; fresh: number }> {
    const old = await rs.leader();
    await rs.procs.get(old)!.stop('SIGKILL');
    rs.procs.delete(old);
    const fresh = await rs.leader();
    await rs.start(old);
    return { old, fresh };
  }

  /** Reads events from a watch until one has revision >= `until` (or the timeout passes). */
  async function collect(watch: WatchStream, into: WatchEvent[], until: bigint, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((into.at(-1)?.kv?.modRevision ?? 0n) < until) {
      if (Date.now() > deadline) throw new Error(`watch reached revision ${into.at(-1)?.kv?.modRevision ?? 'none'}, wanted ${until}`);
      const next = await watch.next();
      if (next.done) throw new Error('watch ended');
      into.push(next.value);
    }
  }

  beforeAll(async () => {
    await rs.startAll();
    client = rs.client;
    await rs.leader();
  });

  // A failed assertion must not leave the test's client loops running (vitest would wait forever).
  let stopLoops = (): void => undefined;

  afterAll(async () => {
    stopLoops();
    await rs.stop();
  });

  it('a watch from revision R gets every event exactly once, in order, while the leader is killed mid-stream', async () => {
    const from = await client.put('w/start', 'go');
    const watch = client.watch('w/', { fromRevision: from });
    const events: WatchEvent[] = [];
    const acked = new Map<bigint, { key: string; type: WatchEventType; value: string }>();
    let stop = false;
    stopLoops = () => (stop = true);
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const key = `w/${w}/${i % 20}`;
        try {
          if (i % 7 === 6) {
            // deletes are events too (only acknowledged when something was deleted: we cannot know the revision otherwise)
            const before = await client.get(key);
            if (before && (await client.delete(key))) continue;
          }
          const value = `v${i}`;
          acked.set(await client.put(key, value), { key, type: WatchEventType.PUT, value });
        } catch {
          // outcome unknown (leader killed): the event may or may not exist, both are fine
        }
      }
    };
    const writers = [0, 1, 2].map(writer);
    const reading = collect(watch, events, BigInt(Number.MAX_SAFE_INTEGER), 120_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    const ackedBeforeKill = [...acked.keys()].reduce((a, b) => (a > b ? a : b), 0n);
    const { old, fresh } = await killLeader();
    expect(fresh).not.toBe(old);
    // the same watch goes on through the new leader: it sees writes made after the kill
    await eventually(async () => (events.some((e) => e.kv!.modRevision > ackedBeforeKill + 20n) ? true : undefined), 60_000, 100);
    stop = true;
    await Promise.all(writers);
    const end = await client.put('w/end', 'done');
    watch.cancel();
    await reading;
    // the iterator stopped early (cancel); read the rest from a fresh watch positioned where it left off
    const rest = client.watch('w/', { fromRevision: watch.revision });
    await collect(rest, events, end, 60_000);
    rest.cancel();

    const revisions = events.map((e) => e.kv!.modRevision);
    expect(revisions[0]).toBe(from);
    // Every write in this window went under w/, so the revisions must be exactly from..end: none missed, none twice.
    expect(revisions).toEqual(Array.from({ length: Number(end - from) + 1 }, (_, i) => from + BigInt(i)));
    const byRevision = new Map(events.map((e) => [e.kv!.modRevision, e]));
    let checked = 0;
    for (const [rev, w] of acked) {
      const e = byRevision.get(rev)!;
      expect(td.decode(e.kv!.key)).toBe(w.key);
      expect(e.type).toBe(w.type);
      expect(td.decode(e.kv!.value)).toBe(w.value);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(events.some((e) => e.type === WatchEventType.DELETE)).toBe(true);
    console.log(`watch: ${events.length} events from ${from} to ${end} across the kill of leader ${old}; ${checked} acknowledged writes checked`);
  });

  it('a kept-alive lease survives a leader kill; a lease left alone expires and takes its keys', async () => {
    const kept = await client.grant(4000);
    const dropped = await client.grant(2000);
    expect(kept).not.toBe(dropped);
    await client.put('lease/kept/a', '1', { lease: kept });
    await client.put('lease/dropped/a', '1', { lease: dropped });
    const lastPut = await client.put('lease/dropped/b', '1', { lease: dropped });
    const watch = client.watch('lease/', { fromRevision: lastPut + 1n });
    let lost = false;
    const keeper = client.keepLeaseAlive(kept, { onLost: () => (lost = true) });
    await killLeader();
    // the dropped lease runs out (a new leader restarts its TTL, so allow for that and the election)
    await eventually(async () => ((await client.get('lease/dropped/a')) || (await client.get('lease/dropped/b')) ? undefined : true), 30_000, 200);
    const deletes: WatchEvent[] = [];
    await collect(watch, deletes, lastPut + 2n, 30_000);
    watch.cancel();
    expect(deletes.map((e) => [e.type, td.decode(e.kv!.key)])).toEqual([
      [WatchEventType.DELETE, 'lease/dropped/a'],
      [WatchEventType.DELETE, 'lease/dropped/b'],
    ]);
    await expect(client.keepAlive(dropped)).rejects.toBeInstanceOf(LeaseNotFoundError);
    // well past the kept lease's TTL, counted from the kill: still there
    await new Promise((r) => setTimeout(r, 5000));
    expect(lost).toBe(false);
    expect(keeper.alive).toBe(true);
    expect(td.decode((await client.get('lease/kept/a'))!.value)).toBe('1');
    await keeper.stop();
    // once nobody renews it, it expires too
    await eventually(async () => ((await client.get('lease/kept/a')) ? undefined : true), 30_000, 200);
  });

  it('revoke deletes the keys at once; bad input gets typed errors', async () => {
    const id = await client.grant(60_000);
    await client.put('revoke/a', '1', { lease: id });
    await client.put('revoke/b', '1', { lease: id });
    await client.put('revoke/keep', '1');
    expect(await client.keepAlive(id)).toBe(60_000);
    expect(await client.revoke(id)).toBe(2);
    expect((await client.range('revoke/')).kvs.map((kv) => td.decode(kv.key))).toEqual(['revoke/keep']);

    await expect(client.revoke(id)).rejects.toBeInstanceOf(LeaseNotFoundError);
    await expect(client.keepAlive(123_456n)).rejects.toBeInstanceOf(LeaseNotFoundError);
    const unknown = await client.put('revoke/x', '1', { lease: 123_456n }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(LeaseNotFoundError);
    expect((unknown as LeaseNotFoundError).leaseId).toBe(123_456n);
    expect(await client.get('revoke/x')).toBeUndefined();
    await expect(client.grant(0)).rejects.toBeInstanceOf(InvalidLeaseTtlError);
    await expect(client.grant(-5)).rejects.toBeInstanceOf(InvalidLeaseTtlError);
    await expect(client.grant(1.5)).rejects.toBeInstanceOf(InvalidLeaseTtlError);

    // push the history past its retention, then ask for revision 1
    let revision = 0n;
    for (let i = 0; revision <= BigInt(HISTORY_REVISIONS) + 10n; i++) revision = await client.put(`fill/${i % 50}`, String(i));
    const watch = client.watch('', { fromRevision: 1n });
    const err = await watch.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatchCompactedError);
    const oldest = (err as WatchCompactedError).oldestRevision;
    expect(oldest).toBeGreaterThan(1n);
    expect(oldest).toBeLessThanOrEqual(revision);
    // from the oldest revision it names, the watch works
    const ok = client.watch('', { fromRevision: oldest });
    const first = await ok.next();
    ok.cancel();
    expect(first.done).toBe(false);
    expect(first.value!.kv!.modRevision).toBe(oldest);
  });
});
