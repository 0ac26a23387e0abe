/**
 * Micro-benchmark of the core alone (no I/O): a 3-voter group in memory, proposals of
 * `size` bytes in batches, all messages delivered synchronously. Measures how many entries per
 * second the Raft logic itself can commit on all three nodes, i.e. the CPU budget the core
 * takes from a multi-raft host. Run: npx vite-node libs/raft/src/bench/core-throughput.ts
 */
import { MemoryStorage } from '../memory-storage';
import { RawNode } from '../raw-node';
import { SeededRng } from '../rng';
import { EMPTY_BYTES, emptyConfState, type Message } from '../types';

function run(total: number, batch: number, size: number): number {
  const ids = [1, 2, 3];
  const nodes = ids.map((id) => {
    const storage = new MemoryStorage();
    storage.applySnapshot({ metadata: { index: 1, term: 1, confState: { ...emptyConfState(), voters: ids } }, data: EMPTY_BYTES });
    const rn = new RawNode({
      id,
      electionTick: 10,
      heartbeatTick: 1,
      storage,
      maxSizePerMsg: 1 << 20,
      maxInflightMsgs: 256,
      rng: new SeededRng(id),
    });
    return { rn, storage };
  });
  let inbox: Message[] = [];
  const pump = (): number => {
    let applied = 0;
    for (;;) {
      let busy = false;
      for (const n of nodes) {
        if (!n.rn.hasReady()) continue;
        busy = true;
        const rd = n.rn.ready();
        n.storage.append(rd.entries);
        if (rd.hardState) n.storage.setHardState(rd.hardState);
        for (const m of rd.messages) inbox.push(m);
        if (n === nodes[0]) applied += rd.committedEntries.length;
        n.rn.advance(rd);
      }
      if (inbox.length > 0) {
        const batchMsgs = inbox;
        inbox = [];
        for (const m of batchMsgs) nodes[m.to - 1].rn.step(m);
        busy = true;
      }
      if (!busy) return applied;
    }
  };
  nodes[0].rn.campaign();
  pump();
  const payload = new Uint8Array(size);
  const t0 = performance.now();
  let done = 0;
  while (done < total) {
    if (batch === 1) nodes[0].rn.propose(payload);
    else nodes[0].rn.proposeBatch(new Array<Uint8Array>(batch).fill(payload));
    done += batch;
    pump();
    // Keep memory bounded like a real host would by compacting applied entries.
    for (const n of nodes) {
      const applied = n.rn.raft.raftLog.applied;
      if (applied - n.storage.firstIndex() > 10_000) n.storage.compact(applied - 100);
    }
  }
  return total / ((performance.now() - t0) / 1000);
}

for (const [batch, size] of [
  [1, 128],
  [16, 128],
  [128, 128],
  [128, 1024],
]) {
  run(20_000, batch, size); // warm-up
  const rate = run(200_000, batch, size);
  console.log(`batch=${batch} size=${size}B: ${Math.round(rate).toLocaleString('en-US')} entries/s committed on 3 nodes`);
}
