import { connect } from '@nats-io/transport-node';
import { MultiRaftHost, NatsRaftTransport, REGION_RAFT_TIMING, type GroupStateMachine } from '@quarry/multiraft';
import type { Entry } from '@quarry/raft';
import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import { emit, listenParent, nextParentMessage } from './child-protocol';

/** A state machine that keeps nothing: idle groups never apply anything but the leader's no-op. */
class NullMachine implements GroupStateMachine {
  apply(entries: Entry[]): unknown[] {
    return entries.map(() => undefined);
  }
  snapshot(): Uint8Array {
    return new Uint8Array(0);
  }
  restore(): void {}
}

/**
 * One store hosting `groups` Raft groups (replicated on stores `peers`, each in its own
 * process): opens them, reports how many have a leader, and on the parent's word measures its
 * own CPU (process.cpuUsage) over `seconds` while idle.
 */
async function main(): Promise<void> {
  listenParent();
  const cfg = JSON.parse(process.argv[2]) as {
    storeId: number;
    peers: number[];
    groups: number;
    natsUrl: string;
    cluster: string;
    dataDir: string;
    tickMs?: number;
    /** false measures the cost of idle groups that keep ticking and heartbeating. */
    quiesce?: boolean;
  };
  const nc = await connect({ servers: cfg.natsUrl, name: `bench-raft-idle-${cfg.storeId}` });
  const log = await RaftLogEngine.open(cfg.dataDir);
  const host = new MultiRaftHost({ storeId: cfg.storeId, log, transport: new NatsRaftTransport(nc, cfg.cluster, 'bench-raft'), ...REGION_RAFT_TIMING,
    tickMs: cfg.tickMs ?? REGION_RAFT_TIMING.tickMs,
    quiesce: cfg.quiesce ?? true,
  });
  const t0 = Date.now();
  const ids = Array.from({ length: cfg.groups }, (_, i) => i + 1);
  for (let i = 0; i < ids.length; i += 50) await Promise.all(ids.slice(i, i + 50).map((id) => host.openGroup(id, new NullMachine(), cfg.peers)));
  // count the host's ticks (a private method, wrapped from outside): on a starved machine the
  // 50 ms timer fires late, the host does less work and its CPU % understates the real cost
  let ticks = 0;
  const h = host as unknown as { tick: () => void };
  const tick = h.tick.bind(host);
  h.tick = () => {
    ticks++;
    tick();
  };
  host.start();
  emit({ event: 'opened', ms: Date.now() - t0 });
  const measure = async (seconds: number): Promise<void> => {
    const stats0 = { ...host.stats };
    const fsyncs0 = log.stats().fsyncs;
    const ticks0 = ticks;
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const c1 = process.cpuUsage(c0);
    const wallUs = Number(process.hrtime.bigint() - w0) / 1000;
    let leading = 0;
    for (const id of ids) if (host.group(id).isLeader) leading++;
    emit({
      event: 'cpu',
      storeId: cfg.storeId,
      cpuPct: (100 * (c1.user + c1.system)) / wallUs,
      userPct: (100 * c1.user) / wallUs,
      systemPct: (100 * c1.system) / wallUs,
      leading,
      quiesced: host.quiescedCount,
      groupTicksPerSec: ((host.stats.groupTicks - stats0.groupTicks) * 1e6) / wallUs,
      ticksPerSec: ((ticks - ticks0) * 1e6) / wallUs,
      readyPassesPerSec: ((host.stats.readyPasses - stats0.readyPasses) * 1e6) / wallUs,
      batchesSentPerSec: ((host.stats.batchesSent - stats0.batchesSent) * 1e6) / wallUs,
      fsyncsPerSec: ((log.stats().fsyncs - fsyncs0) * 1e6) / wallUs,
    });
  };
  const report = setInterval(() => {
    let withLeader = 0;
    let leading = 0;
    for (const id of ids) {
      const g = host.group(id);
      if (g.leader) withLeader++;
      if (g.isLeader) leading++;
    }
    emit({ event: 'leaders', withLeader, leading });
  }, 500);
  for (;;) {
    const msg = await nextParentMessage<{ seconds?: number; stop?: boolean }>();
    if (msg.stop || !msg.seconds) break;
    clearInterval(report);
    await measure(msg.seconds);
  }
  clearInterval(report);
  await host.stop();
  await log.close();
  await nc.close();
  process.exit(0);
}

main().catch((err) => {
  emit({ event: 'error', message: (err as Error).stack ?? String(err) });
  process.exit(1);
});
