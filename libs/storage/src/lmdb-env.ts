import { open, type Database, type DatabaseOptions, type RootDatabase } from 'lmdb';
import { ALL_INDEXES, type IndexSpec } from './index-layout';
import { IncompatibleLayoutError } from './errors';

export type BinaryDb = Database<Buffer, Buffer>;

export interface StorageEnv {
  readonly root: RootDatabase<Buffer, Buffer>;
  /** Index databases, in ALL_INDEXES order. */
  readonly indexes: ReadonlyMap<IndexSpec, BinaryDb>;
  /** region id + encoded term (17 bytes) -> term id (u32 BE); see term-dictionary.ts. */
  readonly term2id: BinaryDb;
  /** region id + term id -> encoded term, or kind + UTF-8 string for hashed terms. */
  readonly id2term: BinaryDb;
  /** region id -> region metadata. */
  readonly regions: BinaryDb;
  /** region id -> newest commit ts and whether tombstones are stored (commit-summary.ts). */
  readonly commitSummary: BinaryDb;
  /** region id + term ids in s p o [g] order -> 1: the quads that have a tombstone version (commit-summary.ts). */
  readonly tombstoned: BinaryDb;
}

export interface OpenEnvOptions {
  path: string;
  /** Skip fsync on commit (benchmarks, tests; Raft's log is the durable record anyway). */
  noSync?: boolean;
  mapSize?: number;
  /** LMDB page size in bytes (default 4096). */
  pageSize?: number;
  /** lmdb-js overlapping sync (default off here; see DESIGN.md "disk space"). */
  overlappingSync?: boolean;
}

// lmdb-js (3.5) dereferences `store.encoder.writeKey` when a dupsort range has start/end values
// and the store uses the 'binary' encoding (which has no encoder). An identity encoder whose
// writeKey copies raw bytes makes range-within-duplicates work and keeps values unencoded.
const rawEncoder = {
  encode: (value: Uint8Array): Uint8Array => value,
  writeKey(key: Uint8Array, target: Uint8Array, position: number): number {
    target.set(key, position);
    return position + key.length;
  },
};

function openBinaryDb(root: RootDatabase<Buffer, Buffer>, name: string, dupFixed: boolean): BinaryDb {
  // `dupFixed` is supported by lmdb-js but missing from its typings.
  const options: DatabaseOptions & { name: string; dupFixed?: boolean } = {
    name,
    keyEncoding: 'binary',
    encoding: 'binary',
    dupSort: dupFixed,
    dupFixed,
  };
  const db = root.openDB<Buffer, Buffer>(options);
  if (dupFixed) (db as unknown as { encoder: typeof rawEncoder }).encoder = rawEncoder;
  return db;
}

/**
 * The on-disk layout this code reads and writes (DESIGN.md "Key layout"). 3: version-less
 * indexes except dspo/spog, with commit summaries and tombstone markers. Stores written before
 * the layout was recorded (regions but no record) are refused as well.
 */
export const LAYOUT_VERSION = 3;
const LAYOUT_KEY = Buffer.from('layout');

/** Records the layout of a new store; refuses a store written by another layout. */
function checkLayout(meta: BinaryDb, regions: BinaryDb, path: string): void {
  const stored = meta.getBinary(LAYOUT_KEY);
  if (stored === undefined) {
    const hasRegions = [...regions.getKeys({ limit: 1 })].length > 0;
    if (hasRegions) throw new IncompatibleLayoutError(`${path}: written by an older layout (before ${LAYOUT_VERSION}); reload its data`);
    meta.putSync(LAYOUT_KEY, Buffer.from([LAYOUT_VERSION]));
  } else if (stored.length !== 1 || stored[0] !== LAYOUT_VERSION) {
    throw new IncompatibleLayoutError(`${path}: written by layout ${stored[0]}, this code reads layout ${LAYOUT_VERSION}; reload its data`);
  }
}

export function openStorageEnv(options: OpenEnvOptions): StorageEnv {
  const root = open<Buffer, Buffer>({
    path: options.path,
    keyEncoding: 'binary',
    encoding: 'binary',
    maxDbs: 16,
    noSync: options.noSync ?? false,
    mapSize: options.mapSize,
    pageSize: options.pageSize,
    overlappingSync: options.overlappingSync ?? false,
  } as Parameters<typeof open>[0]);
  const indexes = new Map<IndexSpec, BinaryDb>();
  for (const spec of ALL_INDEXES) indexes.set(spec, openBinaryDb(root, spec.name, true));
  const regions = openBinaryDb(root, 'regions', false);
  try {
    checkLayout(openBinaryDb(root, 'meta', false), regions, options.path);
  } catch (error) {
    void root.close();
    throw error;
  }
  return {
    root,
    indexes,
    term2id: openBinaryDb(root, 'term2id', false),
    id2term: openBinaryDb(root, 'id2term', false),
    regions,
    commitSummary: openBinaryDb(root, 'commitSummary', false),
    tombstoned: openBinaryDb(root, 'tombstoned', false),
  };
}
