import { resolve } from 'node:path';
import { ConsensusClient } from '@quarry/consensus-client';
import { RegionRouter, StoreClient } from '@quarry/store-client';
import { Bus, Subjects } from '@quarry/transport';
import { defaultDataDir, readState } from './dev/cluster-state';

/** Options every cluster-facing command shares. */
export const clusterOptions = {
  cluster: { type: 'string' },
  'data-dir': { type: 'string' },
  'consensus-peers': { type: 'string' },
} as const;

export const clusterUsage = `  --cluster NAME          cluster (default: the one dev up started, else "default")
  --consensus-peers IDS   node ids of the consensus replicas (default 1,2,3)
  --data-dir DIR          dev up's directory, to find the cluster (default .quarry/dev)`;

export interface ClusterConnection {
  cluster: string;
  bus: Bus;
  consensus: ConsensusClient;
  stores: StoreClient;
  endpoint?: string;
  close(): Promise<void>;
}

/** The cluster a command addresses: --cluster, else the one dev up started, else "default". */
export function clusterNameOf(values: Record<string, string | boolean | undefined>): string {
  const state = readState(resolve((values['data-dir'] as string | undefined) ?? defaultDataDir()));
  return (values.cluster as string | undefined) ?? state?.cluster ?? 'default';
}

/** Connects the CLI to a cluster's NATS, consensus service and storage nodes. */
export async function connectCluster(values: Record<string, string | boolean | undefined>, opts: { deadlineMs?: number } = {}): Promise<ClusterConnection> {
  const state = readState(resolve((values['data-dir'] as string | undefined) ?? defaultDataDir()));
  const cluster = (values.cluster as string | undefined) ?? state?.cluster ?? 'default';
  const peers = ((values['consensus-peers'] as string | undefined) ?? '1,2,3').split(',').map(Number);
  const bus = await Bus.connect({ url: state?.natsUrl ?? process.env.QUARRY_NATS_URL ?? 'nats://127.0.0.1:4222', instanceId: `cli-${process.pid}` });
  const subjects = new Subjects(cluster);
  const consensus = new ConsensusClient(bus, subjects, { peers, deadlineMs: opts.deadlineMs });
  const stores = new StoreClient(bus, new RegionRouter(consensus), { cluster, timeoutMs: Math.min(30_000, opts.deadlineMs ?? 30_000), deadlineMs: opts.deadlineMs ?? 60_000 });
  return { cluster, bus, consensus, stores, endpoint: state?.cluster === cluster ? state.endpoint : undefined, close: () => bus.drain() };
}
