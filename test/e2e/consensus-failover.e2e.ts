import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsensusReplicas } from '../support/consensus-replicas';

/** Three consensus replicas as real processes: kill -9 the leader under load, then all of them. */
describe('consensus: Raft over NATS across processes', () => {
  const rs = new ConsensusReplicas('e2e-raft');

  beforeAll(() => rs.startAll());

  // A failed assertion must not leave the test's client loops running (vitest would wait forever).
  let stopLoops = (): void => undefined;

  afterAll(async () => {
    stopLoops();
    await rs.stop();
  });

  it('keeps every acknowledged write and strictly increasing timestamps across a leader kill and a restart of all replicas', async () => {
    const acked = new Map<string, string>();
    let stop = false;
    stopLoops = () => (stop = true);
    let killedAt = Infinity;
    let firstAckAfterKill = 0;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const key = `k-${w}-${i}`;
        const value = `v-${w}-${i}-${'x'.repeat(80)}`;
        const startedAt = Date.now();
        try {
          await rs.client.put(key, value);
          acked.set(key, value);
          if (startedAt >= killedAt) firstAckAfterKill ||= Date.now();
        } catch {
          // outcome unknown: not counted as acknowledged
        }
      }
    };
    const stamps: bigint[] = [];
    const stamper = async (): Promise<void> => {
      while (!stop) {
        try {
          stamps.push(await rs.client.timestamp(1 + (stamps.length % 4)));
        } catch {
          // unavailable during the election
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer).concat(stamper());
    await new Promise((r) => setTimeout(r, 1500));
    const old = await rs.leader();
    const before = acked.size;
    expect(before).toBeGreaterThan(10);
    await rs.procs.get(old)!.stop('SIGKILL');
    killedAt = Date.now(); // the process is gone: no reply can come from it any more
    // the first acknowledged write that was sent after the kill
    while (!firstAckAfterKill && Date.now() - killedAt < 10_000) await new Promise((r) => setTimeout(r, 5));
    const failoverMs = firstAckAfterKill - killedAt;
    console.log(`raft failover: kill -9 of the leader to the next acknowledged write: ${failoverMs} ms`);
    expect(failoverMs).toBeGreaterThan(0);
    expect(failoverMs).toBeLessThan(2000);
    const fresh = await rs.leader();
    expect(fresh).not.toBe(old);
    await rs.start(old); // the old leader rejoins from its own disk
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(writers);
    expect(acked.size).toBeGreaterThan(before);
    // the timestamp oracle never went backwards across the leader change
    expect(stamps.length).toBeGreaterThan(20);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i] > stamps[i - 1], `timestamp ${i}`).toBe(true);

    // concurrent callers share TSO requests yet each gets its own timestamp
    const batch = await Promise.all(Array.from({ length: 300 }, () => rs.client.timestamp()));
    expect(new Set(batch).size).toBe(300);
    expect(batch.every((t) => t > stamps[stamps.length - 1])).toBe(true);

    // every replica dies at once, then comes back from disk
    await Promise.all([...rs.procs.values()].map((p) => p.stop('SIGKILL')));
    await Promise.all([1, 2, 3].map((id) => rs.start(id)));
    await rs.leader();
    const missing: string[] = [];
    for (const [k, v] of acked) {
      const kv = await rs.client.get(k);
      if (!kv || new TextDecoder().decode(kv.value) !== v) missing.push(k);
    }
    expect(missing).toEqual([]);
  });
});
