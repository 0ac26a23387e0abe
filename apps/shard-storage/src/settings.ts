import type { Setting } from '@quarry/config';

export const shardStorageSettings = {
  storeId: { env: 'QUARRY_STORE_ID', kind: 'int', min: 1, max: 65535, description: 'unique id of this storage node', required: true },
  dataDir: { env: 'QUARRY_DATA_DIR', kind: 'string', description: 'directory for Raft logs and the LMDB quad index', required: true },
  snapshotEntries: {
    env: 'QUARRY_RAFT_SNAPSHOT_ENTRIES',
    kind: 'int',
    min: 2,
    description: 'a region snapshots its state and compacts its Raft log after this many applied entries',
    default: 20_000,
  },
  tickMs: {
    env: 'QUARRY_RAFT_TICK_MS',
    kind: 'int',
    min: 5,
    max: 1000,
    description: 'Raft tick of the region groups (heartbeats every 3 ticks, elections after 10-20)',
    default: 100,
  },
  removedReplicaGraceMs: {
    env: 'QUARRY_REMOVED_REPLICA_GRACE_MS',
    kind: 'int',
    min: 0,
    description: 'how long the region map must leave this store out of a region before its local replica is destroyed',
    default: 30_000,
  },
  changeFeed: {
    env: 'QUARRY_CHANGE_FEED',
    kind: 'bool',
    description: 'publish every committed change to the JetStream stream QUARRY_CHANGES (docs/change-feed.md)',
    default: true,
  },
  changeFeedMaxBytes: {
    env: 'QUARRY_CHANGE_FEED_MAX_BYTES',
    kind: 'int',
    min: 1024 * 1024,
    description: 'unpublished changes a region may hold before it refuses writes (the feed is down or far behind)',
    default: 256 * 1024 * 1024,
  },
  snapshotMaxBytesPerSec: {
    env: 'QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC',
    kind: 'int',
    min: 0,
    description: 'bandwidth of the Raft snapshots this store sends (new or far-behind replicas), shared by all its regions; 0 = unlimited, else at least 65536',
    default: 64 * 1024 * 1024,
  },
  recentInsertsPerRegion: {
    env: 'QUARRY_RECENT_INSERTS_PER_REGION',
    kind: 'int',
    min: 0,
    max: 100_000_000,
    description: 'quads of recent commits each region remembers in memory (about 16 bytes each), so that scans of its version-less indexes at a read timestamp older than the last write stay fast; older reads check every entry\'s versions (libs/storage/DESIGN.md); 0 = none',
    default: 1_000_000,
  },
} as const satisfies Record<string, Setting>;

/** Below this a moved region's snapshot could outlast the placement driver's catch-up wait (120 s) for a few MiB. */
export const MIN_SNAPSHOT_BYTES_PER_SEC = 64 * 1024;

/** Checks QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC at boot: 0 (unlimited) or at least 64 KiB/s. */
export function validateSnapshotRate(bytesPerSec: number): void {
  if (bytesPerSec !== 0 && bytesPerSec < MIN_SNAPSHOT_BYTES_PER_SEC) {
    throw new Error(`QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC (${bytesPerSec}) must be 0 (unlimited) or at least ${MIN_SNAPSHOT_BYTES_PER_SEC}`);
  }
}
