/**
 * One storage-node replica of the replicated-ingest benchmark, run as its own OS process
 * (forked by replicated-ingest.ts). It hosts the same classes a shard-storage node does: a
 * MultiRaftHost over NATS with a durable RaftLogEngine (fsync on), and the shard-storage
 * RegionStateMachine applying committed batches to an LMDB QuadStore with fsync on. The
 * consensus service and placement driver are left out: the region map is fixed (one region,
 * stores 1-3), which is what they would hand these stores.
 *
 * Writes arrive on `quarry.<cluster>.benchwrite.<storeId>` in the shard-storage Write path's
 * shape: an encoded batch (serialized EncodedBatch) proposed as one RegionCommand, one Raft
 * entry. A batch larger than a NATS message comes in numbered pieces and is proposed whole.
 */
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { connect, type Msg } from '@nats-io/transport-node';
import { MultiRaftHost, NatsRaftTransport, REGION_RAFT_TIMING } from '@quarry/multiraft';
import { RegionCommandSchema } from '@quarry/proto';
import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import { QuadStore } from '@quarry/storage';
import { allocatedBytes } from './disk-usage';
import { RegionStateMachine, type RegionWriteResult } from '../../apps/shard-storage/src/region/region-state-machine';
import { PIECE_HEADER, writeSubject, type ReplicaConfig, type ReplicaReport, type ReplicaRequest } from './replica-protocol';

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as ReplicaConfig;
  const nc = await connect({ servers: cfg.natsUrl, name: `bench-storage-replica-${cfg.storeId}` });
  const quads = new QuadStore({ path: join(cfg.dataDir, 'quads') }); // fsync on, as shard-storage
  const log = await RaftLogEngine.open(join(cfg.dataDir, 'raft'));
  const host = new MultiRaftHost({
    storeId: cfg.storeId,
    log,
    transport: new NatsRaftTransport(nc, cfg.cluster, 'raft'),
    tickMs: REGION_RAFT_TIMING.tickMs,
    electionTick: REGION_RAFT_TIMING.electionTick,
    heartbeatTick: REGION_RAFT_TIMING.heartbeatTick,
    proposalTimeoutMs: 10_000,
  });
  const sm = new RegionStateMachine(quads, cfg.regionId);
  await sm.ensureCreated();
  await host.openGroup(cfg.regionId, sm, cfg.peers);
  host.start();

  const pieces = new Map<number, Uint8Array[]>();
  // A deposed leader's proposals may never apply, and the host only fails them at the proposal
  // timeout. Answer them at once so the loader resends (a batch is idempotent) to the new leader.
  const waiting = new Set<(reply: string) => void>();
  setInterval(() => {
    if (waiting.size > 0 && !host.group(cfg.regionId).isLeader) for (const answer of [...waiting]) answer('error: leadership lost');
  }, 50).unref();
  const propose = async (commitTs: bigint, batch: Uint8Array): Promise<string> => {
    const cmd = create(RegionCommandSchema, { op: { case: 'write', value: { regionId: cfg.regionId, commitTs, batch } } });
    const result = (await host.propose(cfg.regionId, toBinary(RegionCommandSchema, cmd))) as RegionWriteResult;
    return result.ok ? 'ok' : `rejected: ${result.error}`;
  };
  nc.subscribe(writeSubject(cfg.cluster, cfg.storeId), {
    callback: (err, msg: Msg) => {
      if (err) return;
      const data = msg.data;
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const seq = view.getUint32(0);
      const index = view.getUint16(4);
      const count = view.getUint16(6);
      const commitTs = view.getBigUint64(8);
      let parts = pieces.get(seq);
      if (!parts) pieces.set(seq, (parts = []));
      parts[index] = data.subarray(PIECE_HEADER);
      if (index !== count - 1) return;
      pieces.delete(seq);
      const batch = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      let answered = false;
      const answer = (reply: string): void => {
        if (answered) return;
        answered = true;
        waiting.delete(answer);
        msg.respond(reply);
      };
      waiting.add(answer);
      propose(commitTs, batch).then(answer, (e: unknown) => answer(`error: ${(e as Error).message}`));
    },
  });

  const cpuSeconds = (): number => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  process.on('message', (m: ReplicaRequest) => {
    if (m.type === 'status' || m.type === 'checksum') {
      const g = host.group(cfg.regionId);
      const region = BigInt(cfg.regionId);
      const report: ReplicaReport = {
        type: 'status',
        id: m.id,
        leader: g.leader,
        isLeader: g.isLeader,
        applied: g.applied,
        quads: m.type === 'checksum' ? quads.regionStats(region).quadCount : 0,
        checksum: m.type === 'checksum' ? quads.checksum(region) : undefined,
        dataFileBytes: m.type === 'checksum' ? allocatedBytes(join(cfg.dataDir, 'quads', 'data.mdb')) : undefined,
        cpuSeconds: cpuSeconds(),
      };
      process.send?.(report);
    } else if (m.type === 'stop') {
      void (async () => {
        await host.stop();
        await log.close();
        await quads.close();
        await nc.drain();
        process.exit(0);
      })();
    }
  });
  process.send?.({ type: 'ready' } satisfies ReplicaReport);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
