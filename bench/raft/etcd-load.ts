import { Etcd3 } from 'etcd3';
import { askKill, emit, listenParent } from './child-protocol';
import { sleep, VALUE_100 } from './stats';
import { failover, sequential, throughput, type Phase, type Target } from './workload';

/** Load generator for etcd with the npm etcd3 client: a separate process, same workloads. */
async function main(): Promise<void> {
  listenParent();
  const cfg = JSON.parse(process.argv[2]) as Phase & { endpoints: string[]; only?: string };
  const client = new Etcd3({ hosts: cfg.endpoints, dialTimeout: 1000 });
  const single = cfg.endpoints.map((h) => new Etcd3({ hosts: h, dialTimeout: 500 }));
  /** 1-based index of the endpoint whose member is the leader (maintenance status API). */
  const leader = async (): Promise<number> => {
    for (let i = 0; i < 200; i++) {
      for (let e = 0; e < single.length; e++) {
        const s = await single[e].maintenance.status().catch(() => undefined);
        if (s && s.leader === s.header.member_id) return e + 1;
      }
      await sleep(50);
    }
    throw new Error('no etcd leader');
  };
  await leader();
  const t: Target = { put: (k, v) => client.put(k).value(v).exec(), leader, window: (edge, commits) => emit({ event: 'window', edge, commits }) };
  const tag = `e${process.pid}`;
  if (!cfg.only || cfg.only === 'seq') emit({ phase: 'seq', ...(await sequential(t, cfg.seqN, VALUE_100, tag)) });
  for (const n of cfg.inflight)
    if (!cfg.only || cfg.only === 'tput')
      emit({ phase: `tput${n}`, inflight: n, ...(await throughput(t, n, cfg.tputSeconds, cfg.warmupSeconds, VALUE_100, tag)) });
  if (!cfg.only || cfg.only === 'failover') emit({ phase: 'failover', ...(await failover(t, cfg.failoverWriters, VALUE_100, tag, askKill)) });
  emit({ event: 'done' });
  client.close();
  single.forEach((c) => c.close());
  process.exit(0);
}

main().catch((err) => {
  emit({ event: 'error', message: (err as Error).stack ?? String(err) });
  process.exit(1);
});
