import { ConsensusClient } from '@quarry/consensus-client';
import { Bus, Subjects } from '@quarry/transport';
import { askKill, emit, listenParent } from './child-protocol';
import { sleep, VALUE_100 } from './stats';
import { failover, sequential, throughput, type Phase, type Target } from './workload';

/** Load generator for the Quarry consensus service: a separate process, puts over NATS. */
async function main(): Promise<void> {
  listenParent();
  const cfg = JSON.parse(process.argv[2]) as Phase & { natsUrl: string; cluster: string; peers: number[]; only?: string };
  const bus = await Bus.connect({ url: cfg.natsUrl, instanceId: `bench-raft-load-${process.pid}` });
  const subjects = new Subjects(cfg.cluster);
  const statusClient = new ConsensusClient(bus, subjects, { peers: cfg.peers, timeoutMs: 300 });
  const leader = async (): Promise<number> => {
    for (let i = 0; i < 200; i++) {
      for (const id of cfg.peers) {
        const s = await statusClient.status(id).catch(() => undefined);
        if (s && s.leaderId === id) return id;
      }
      await sleep(50);
    }
    throw new Error('no leader');
  };
  const first = await leader();
  const peers = [first, ...cfg.peers.filter((p) => p !== first)];
  // seq/throughput: a generous per-attempt timeout (etcd3 calls have none), so a slow commit under
  // 1,024 in flight counts late instead of failing as "outcome unknown"
  const client = new ConsensusClient(bus, subjects, { peers, timeoutMs: 10_000, deadlineMs: 30_000 });
  const t: Target = { put: (k, v) => client.put(k, v), leader, window: (edge, commits) => emit({ event: 'window', edge, commits }) };
  // failover: puts sent to the killed leader must give up soon, as a real client would
  const foClient = new ConsensusClient(bus, subjects, { peers, timeoutMs: 1000, deadlineMs: 20_000 });
  const fo: Target = { put: (k, v) => foClient.put(k, v), leader };
  const tag = `q${process.pid}`;
  if (!cfg.only || cfg.only === 'seq') emit({ phase: 'seq', ...(await sequential(t, cfg.seqN, VALUE_100, tag)) });
  for (const n of cfg.inflight)
    if (!cfg.only || cfg.only === 'tput')
      emit({ phase: `tput${n}`, inflight: n, ...(await throughput(t, n, cfg.tputSeconds, cfg.warmupSeconds, VALUE_100, tag)) });
  if (!cfg.only || cfg.only === 'failover') emit({ phase: 'failover', ...(await failover(fo, cfg.failoverWriters, VALUE_100, tag, askKill)) });
  emit({ event: 'done' });
  await bus.drain().catch(() => undefined);
  process.exit(0);
}

main().catch((err) => {
  emit({ event: 'error', message: (err as Error).stack ?? String(err) });
  process.exit(1);
});
