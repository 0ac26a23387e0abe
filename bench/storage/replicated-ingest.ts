import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { LineBatchEncoder, serializeEncodedBatch } from '@quarry/storage';
import { PIECE_HEADER, writeSubject, type ReplicaConfig, type ReplicaReport, type ReplicaRequest } from './replica-protocol';

const REGION = 1;
const PEERS = [1, 2, 3];
const TEXT_CHUNK = 1 << 16;

export interface ReplicatedResult {
  triples: number;
  batches: number;
  /** Batches sent again after a leader change or a timeout (idempotent). */
  retries: number;
  /** First byte encoded → last batch acknowledged by the leader (committed on a quorum, applied there). */
  ackSeconds: number;
  /** First byte encoded → every replica applied every batch. */
  allAppliedSeconds: number;
  /** Quads visible on each replica afterwards, and whether their checksums agree. */
  replicaQuads: number[];
  checksumsAgree: boolean;
  /** CPU seconds of the 3 replica processes together (all threads), first batch → all applied. */
  replicaCpuSeconds: number;
  /** Size of each replica's LMDB data file (durable store, one commit pair per Raft entry). */
  replicaDataFileBytes: number[];
}

interface Replica {
  storeId: number;
  child: ChildProcess;
  dir: string;
  exited: boolean;
}

let nextRequestId = 1;

function request(r: Replica, type: 'status' | 'checksum'): Promise<ReplicaReport & { type: 'status' }> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const onMessage = (m: ReplicaReport): void => {
      if (m.type !== 'status' || m.id !== id) return;
      r.child.off('message', onMessage);
      resolve(m);
    };
    r.child.on('message', onMessage);
    if (!r.child.send({ type, id } satisfies ReplicaRequest)) reject(new Error(`replica ${r.storeId} is gone`));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startReplicas(natsUrl: string, cluster: string): Promise<Replica[]> {
  const replicas = PEERS.map((storeId): Replica => {
    const dir = mkdtempSync(join(tmpdir(), `quarry-bench-replica-${storeId}-`));
    const cfg: ReplicaConfig = { storeId, peers: PEERS, regionId: REGION, dataDir: dir, natsUrl, cluster };
    // QUARRY_BENCH_CPU_PROF=dir profiles each replica (node --cpu-prof), for finding where replication time goes.
    const profDir = process.env.QUARRY_BENCH_CPU_PROF;
    const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
    const child = fork(join(__dirname, 'replica-node.js'), [JSON.stringify(cfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    const replica: Replica = { storeId, child, dir, exited: false };
    child.on('exit', () => (replica.exited = true));
    return replica;
  });
  await Promise.all(
    replicas.map(
      (r) =>
        new Promise<void>((resolve, reject) => {
          r.child.once('message', (m: ReplicaReport) => (m.type === 'ready' ? resolve() : reject(new Error('unexpected report'))));
          r.child.once('exit', (code) => reject(new Error(`replica ${r.storeId} exited with ${code}`)));
        }),
    ),
  );
  return replicas;
}

/** The replica every replica names as leader, once they agree (twice, 300 ms apart). */
async function waitForLeader(replicas: Replica[], timeoutMs = 30_000): Promise<Replica> {
  const deadline = Date.now() + timeoutMs;
  let previous = 0;
  while (Date.now() < deadline) {
    const statuses = await Promise.all(replicas.map((r) => request(r, 'status')));
    const leader = statuses.find((st) => st.isLeader);
    const agreed = leader !== undefined && statuses.every((st) => st.leader === statuses[0].leader);
    if (agreed && statuses[0].leader === previous) return replicas.find((r) => r.storeId === previous)!;
    previous = agreed ? statuses[0].leader : 0;
    await sleep(300);
  }
  throw new Error('the region elected no leader in time');
}

/** Stops every replica this run started: politely over IPC, then by PID. */
async function stopReplicas(replicas: Replica[]): Promise<void> {
  for (const r of replicas) if (!r.exited) r.child.send({ type: 'stop', id: 0 } satisfies ReplicaRequest);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && replicas.some((r) => !r.exited)) await sleep(50);
  for (const r of replicas) if (!r.exited && r.child.pid !== undefined) process.kill(r.child.pid, 'SIGKILL');
  for (const r of replicas) rmSync(r.dir, { recursive: true, force: true });
}

async function replicaCpuSeconds(replicas: Replica[]): Promise<number> {
  const statuses = await Promise.all(replicas.map((r) => request(r, 'status')));
  return statuses.reduce((sum, st) => sum + st.cpuSeconds, 0);
}

/** Sends one serialized batch to the leader in pieces that fit a NATS message; resolves on its ack. */
async function sendBatch(nc: NatsConnection, subject: string, seq: number, commitTs: bigint, bytes: Uint8Array): Promise<void> {
  const pieceSize = nc.info!.max_payload - PIECE_HEADER - 1024;
  const count = Math.max(1, Math.ceil(bytes.length / pieceSize));
  let reply: Promise<string> | undefined;
  for (let i = 0; i < count; i++) {
    const body = bytes.subarray(i * pieceSize, (i + 1) * pieceSize);
    const piece = new Uint8Array(PIECE_HEADER + body.length);
    const view = new DataView(piece.buffer);
    view.setUint32(0, seq);
    view.setUint16(4, i);
    view.setUint16(6, count);
    view.setBigUint64(8, commitTs);
    piece.set(body, PIECE_HEADER);
    if (i < count - 1) nc.publish(subject, piece);
    else reply = nc.request(subject, piece, { timeout: 12_000 }).then((m) => m.string());
  }
  const answer = await reply!;
  if (answer !== 'ok') throw new Error(`batch ${seq}: ${answer}`);
}

/**
 * Replicated durable ingest: one region replicated on 3 replica processes over NATS, fsync on.
 * This process plays the coordinator's bulk path: text → LineBatchEncoder → serialized batch
 * (encoded once) → the leader, which proposes it as one Raft entry. Up to `inflight` batches
 * are outstanding so encoding overlaps replication, as a loader would.
 */
export async function replicatedIngest(text: string, batchSize: number, natsUrl: string, inflight = 2): Promise<ReplicatedResult> {
  const cluster = `bench-storage-${randomBytes(4).toString('hex')}`;
  const replicas = await startReplicas(natsUrl, cluster);
  const nc = await connect({ servers: natsUrl, name: `bench-storage-${process.pid}` });
  try {
    let leader = await waitForLeader(replicas);
    const cpuBefore = await replicaCpuSeconds(replicas);
    let retries = 0;
    // A batch is idempotent (same commit ts, same bytes): after a leader change under load it
    // is simply sent again to the new leader, as the coordinator's StoreClient does.
    const write = async (seq: number, bytes: Uint8Array): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await sendBatch(nc, writeSubject(cluster, leader.storeId), seq, BigInt(seq), bytes);
        } catch (err) {
          if (attempt >= 5) throw err;
          retries++;
          leader = await waitForLeader(replicas);
        }
      }
    };
    const encoder = new LineBatchEncoder('N-Triples');
    const pending = new Set<Promise<void>>();
    let seq = 0;
    let triples = 0;
    const started = performance.now();
    const flush = async (): Promise<void> => {
      const batch = encoder.takeBatch();
      if (batch.inserts.length === 0) return;
      triples += batch.inserts.length / 4;
      seq++;
      const sent = write(seq, serializeEncodedBatch(batch));
      pending.add(sent);
      void sent.finally(() => pending.delete(sent)).catch(() => undefined);
      if (pending.size >= inflight) await Promise.race(pending);
    };
    for (let at = 0; at < text.length; at += TEXT_CHUNK) {
      encoder.push(text.slice(at, at + TEXT_CHUNK));
      if (encoder.pending >= batchSize) await flush();
    }
    encoder.end();
    await flush();
    await Promise.all(pending);
    const ackSeconds = (performance.now() - started) / 1000;
    const target = Math.max(...(await Promise.all(replicas.map((r) => request(r, 'status')))).map((st) => st.applied));
    for (;;) {
      const statuses = await Promise.all(replicas.map((r) => request(r, 'status')));
      if (statuses.every((s) => s.applied >= target)) break;
      await sleep(5);
    }
    const allAppliedSeconds = (performance.now() - started) / 1000;
    const replicaCpu = (await replicaCpuSeconds(replicas)) - cpuBefore;
    const digests = await Promise.all(replicas.map((r) => request(r, 'checksum')));
    return {
      triples,
      batches: seq,
      retries,
      ackSeconds,
      allAppliedSeconds,
      replicaQuads: digests.map((d) => d.quads),
      checksumsAgree: digests.every((d) => d.checksum === digests[0].checksum),
      replicaCpuSeconds: replicaCpu,
      replicaDataFileBytes: digests.map((d) => d.dataFileBytes ?? 0),
    };
  } finally {
    await nc.drain().catch(() => undefined);
    await stopReplicas(replicas);
  }
}
