import type { Setting } from '@quarry/config';

export const placementDriverSettings = {
  storeDownTimeoutMs: {
    env: 'QUARRY_STORE_DOWN_TIMEOUT_MS',
    kind: 'int',
    min: 1000,
    description: 'a store silent for longer than this has its replicas rebuilt elsewhere',
    default: 30_000,
  },
  initialRegions: { env: 'QUARRY_INITIAL_REGIONS', kind: 'int', min: 1, max: 4096, description: 'regions created when the cluster bootstraps', default: 3 },
  leaseTtlMs: {
    env: 'QUARRY_PD_LEASE_TTL_MS',
    kind: 'int',
    min: 500,
    max: 600_000,
    description: 'an active placement driver that stops renewing its lease for this long is replaced by a standby',
    default: 3000,
  },
  regionSplitQuads: {
    env: 'QUARRY_REGION_SPLIT_QUADS',
    kind: 'int',
    min: 2,
    max: 100_000_000,
    description: 'a region holding more quads than this is split at its median subject hash',
    default: 1_000_000,
  },
  regionMergeQuads: {
    env: 'QUARRY_REGION_MERGE_QUADS',
    kind: 'int',
    min: 0,
    max: 50_000_000,
    description: 'two adjacent regions on the same stores both holding fewer quads than this are merged (0 = never), never below QUARRY_INITIAL_REGIONS regions; at most half of QUARRY_REGION_SPLIT_QUADS',
    default: 50_000,
  },
  regionHotWriteQps: {
    env: 'QUARRY_REGION_HOT_WRITE_QPS',
    kind: 'int',
    min: 0,
    description: 'a region taking more written quads per second than this (between two size checks) is split at its median subject hash (0 = never)',
    default: 20_000,
  },
  regionSizeCheckMs: {
    env: 'QUARRY_REGION_SIZE_CHECK_MS',
    kind: 'int',
    min: 500,
    max: 3_600_000,
    description: 'how often region sizes are read for splits and merges (each read counts the region)',
    default: 10_000,
  },
  replicas: { env: 'QUARRY_REPLICAS', kind: 'int', min: 1, max: 7, description: 'replicas per region', default: 3 },
} as const satisfies Record<string, Setting>;
