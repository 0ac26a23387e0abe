import type { Setting } from '@quarry/config';

export const consensusSettings = {
  nodeId: { env: 'QUARRY_NODE_ID', kind: 'int', min: 1, max: 65535, description: 'Raft node id of this replica', required: true },
  dataDir: { env: 'QUARRY_DATA_DIR', kind: 'string', description: 'directory for the Raft log and the KV', required: true },
  tickMs: {
    env: 'QUARRY_RAFT_TICK_MS',
    kind: 'int',
    min: 5,
    max: 1000,
    description: 'Raft tick; heartbeats every 2 ticks, elections after 10-20 ticks without a leader',
    default: 50,
  },
  watchHistoryRevisions: {
    env: 'QUARRY_WATCH_HISTORY_REVISIONS',
    kind: 'int',
    min: 1,
    max: 10_000_000,
    description: 'revisions of KV history kept for watches; a watch from an older revision gets COMPACTED',
    default: 10_000,
  },
  watchHistoryBytes: {
    env: 'QUARRY_WATCH_HISTORY_BYTES',
    kind: 'int',
    min: 1024,
    max: 1024 * 1024 * 1024,
    description: 'bytes (keys + values) of KV history kept for watches, whichever limit is hit first',
    default: 64 * 1024 * 1024,
  },
} as const satisfies Record<string, Setting>;
