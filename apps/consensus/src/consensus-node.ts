import { join } from 'node:path';
import type { OnApplicationShutdown } from '@nestjs/common';
import { MultiRaftHost, NatsRaftTransport } from '@quarry/multiraft';
import type { Logger as RaftLogger } from '@quarry/raft';
import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import type { ServiceContext } from '@quarry/service-kit';
import { KvServer, METADATA_GROUP } from './kv/kv-server';
import { KvStateMachine } from './kv/kv-state-machine';

export interface ConsensusNodeConfig {
  nodeId: number;
  peers: number[];
  dataDir: string;
  tickMs: number;
  watchHistoryRevisions?: number;
  watchHistoryBytes?: number;
}

/** One replica of the metadata Raft group: durable log, KV state machine, NATS API. */
export class ConsensusNode implements OnApplicationShutdown {
  private constructor(
    readonly host: MultiRaftHost,
    readonly log: RaftLogEngine,
    readonly server: KvServer,
  ) {}

  static async start(ctx: ServiceContext, cfg: ConsensusNodeConfig): Promise<ConsensusNode> {
    const log = await RaftLogEngine.open(join(cfg.dataDir, 'raft'));
    if (log.tornTail) ctx.logger.warn({ tornTail: log.tornTail }, 'raft log had a torn tail; truncated');
    const raftLogger: RaftLogger = {
      debug: (m) => ctx.logger.debug(m),
      info: (m) => ctx.logger.info(m),
      warn: (m) => ctx.logger.warn(m),
      error: (m) => ctx.logger.error(m),
    };
    const host = new MultiRaftHost({
      storeId: cfg.nodeId,
      log,
      transport: new NatsRaftTransport(ctx.bus.nc, ctx.subjects.cluster, 'consensus-raft'),
      tickMs: cfg.tickMs,
      logger: raftLogger,
    });
    const kv = new KvStateMachine({ historyRevisions: cfg.watchHistoryRevisions, historyBytes: cfg.watchHistoryBytes });
    await host.openGroup(METADATA_GROUP, kv, cfg.peers);
    host.start();
    const server = new KvServer(ctx.bus, ctx.subjects, host, kv, { onError: (err) => ctx.logger.warn({ err }, 'consensus background task failed') });
    server.start();
    ctx.readiness.add('raft', () => {
      const g = host.group(METADATA_GROUP);
      return { ok: g.leader !== 0, detail: g.leader ? `leader ${g.leader}` : 'no leader elected' };
    });
    const m = ctx.metrics;
    const term = m.gauge('quarry_raft_term', 'current Raft term of the metadata group');
    const applied = m.gauge('quarry_raft_applied_index', 'last applied index of the metadata group');
    const isLeader = m.gauge('quarry_raft_is_leader', '1 if this replica leads the metadata group');
    const proposals = m.gauge('quarry_raft_proposals_total', 'proposals made through this replica');
    const fsyncs = m.gauge('quarry_raft_log_fsyncs_total', 'fsyncs of the raft log');
    const leases = m.gauge('quarry_kv_leases', 'leases in the replicated KV');
    const tsoBlocked = m.gauge('quarry_tso_blocked_requests_total', 'TSO requests that waited for the persisted window to be renewed');
    setInterval(() => {
      const g = host.group(METADATA_GROUP);
      term.set(g.node.status().hardState.term);
      applied.set(g.applied);
      isLeader.set(g.isLeader ? 1 : 0);
      proposals.set(host.stats.proposals);
      fsyncs.set(log.stats().fsyncs);
      leases.set([...kv.leases()].length);
      tsoBlocked.set(server.oracle.stats.blockedRequests);
    }, 1000).unref();
    return new ConsensusNode(host, log, server);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.host.stop();
    await this.log.close();
  }
}
