import { join, resolve } from 'node:path';
import { freePort } from './free-port';

/** Repository root (the CLI runs from dist/tools/cli/src). */
export const repoRoot = resolve(__dirname, '..', '..', '..', '..', '..');

export interface PlannedProcess {
  name: string;
  role: 'consensus' | 'placement-driver' | 'shard-storage' | 'query-coordinator' | 'ops';
  main: string;
  httpPort: number;
  env: Record<string, string>;
}

export interface ClusterOptions {
  cluster: string;
  stores: number;
  dataDir: string;
  coordinatorPort: number;
  natsUrl: string;
  pgUrl: string;
  redisUrl: string;
  otlpEndpoint?: string;
}

const mainOf = (app: string): string => join(repoRoot, 'dist', 'apps', app, 'src', 'main.js');

/** The processes of a local cluster: 3 consensus replicas, 1 PD, N stores, 1 coordinator, 1 ops. */
export async function planCluster(o: ClusterOptions): Promise<PlannedProcess[]> {
  const common = (name: string): Record<string, string> => ({
    QUARRY_CLUSTER: o.cluster,
    QUARRY_NATS_URL: o.natsUrl,
    QUARRY_INSTANCE_ID: name,
    ...(o.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint } : {}),
  });
  const plan: PlannedProcess[] = [];
  const consensusIds = [1, 2, 3];
  for (const id of consensusIds) {
    const name = `consensus-${id}`;
    plan.push({
      name,
      role: 'consensus',
      main: mainOf('consensus'),
      httpPort: await freePort(),
      env: { ...common(name), QUARRY_NODE_ID: String(id), QUARRY_CONSENSUS_PEERS: consensusIds.join(','), QUARRY_DATA_DIR: join(o.dataDir, name) },
    });
  }
  plan.push({ name: 'pd-1', role: 'placement-driver', main: mainOf('placement-driver'), httpPort: await freePort(), env: common('pd-1') });
  for (let id = 1; id <= o.stores; id++) {
    const name = `store-${id}`;
    plan.push({
      name,
      role: 'shard-storage',
      main: mainOf('shard-storage'),
      httpPort: await freePort(),
      env: { ...common(name), QUARRY_STORE_ID: String(id), QUARRY_DATA_DIR: join(o.dataDir, name) },
    });
  }
  // The coordinator records its bulk-load sagas in the control database.
  plan.push({ name: 'coordinator-1', role: 'query-coordinator', main: mainOf('query-coordinator'), httpPort: o.coordinatorPort, env: { ...common('coordinator-1'), QUARRY_PG_URL: o.pgUrl } });
  plan.push({
    name: 'ops-1',
    role: 'ops',
    main: mainOf('ops'),
    httpPort: await freePort(),
    env: { ...common('ops-1'), QUARRY_PG_URL: o.pgUrl, QUARRY_REDIS_URL: o.redisUrl },
  });
  for (const p of plan) p.env.QUARRY_HTTP_PORT = String(p.httpPort);
  return plan;
}
