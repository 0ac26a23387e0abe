import type { Setting } from './config-schema';

/** Settings every Quarry service reads; each app adds its own beside them. */
export const commonSettings = {
  cluster: {
    env: 'QUARRY_CLUSTER',
    kind: 'string',
    description: 'cluster name; namespaces NATS subjects, KV buckets and streams',
    default: 'default',
    pattern: /^[a-zA-Z0-9_-]{1,40}$/,
  },
  natsUrl: { env: 'QUARRY_NATS_URL', kind: 'url', protocols: ['nats', 'tls'], description: 'NATS server URL', default: 'nats://127.0.0.1:4222' },
  host: { env: 'QUARRY_HOST', kind: 'string', description: 'address the HTTP server binds to and advertises', default: '127.0.0.1' },
  consensusPeers: {
    env: 'QUARRY_CONSENSUS_PEERS',
    kind: 'list',
    description: 'node ids of the consensus replicas (the metadata Raft group), e.g. 1,2,3',
    default: ['1', '2', '3'],
  },
  logLevel: {
    env: 'QUARRY_LOG_LEVEL',
    kind: 'enum',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
    description: 'log level',
    default: 'info',
  },
  heartbeatMs: { env: 'QUARRY_HEARTBEAT_MS', kind: 'int', min: 100, max: 60_000, description: 'service registry heartbeat interval', default: 1000 },
  shutdownTimeoutMs: {
    env: 'QUARRY_SHUTDOWN_TIMEOUT_MS',
    kind: 'int',
    min: 100,
    max: 600_000,
    description: 'how long graceful shutdown may take before the process exits anyway',
    default: 10_000,
  },
} as const satisfies Record<string, Setting>;
