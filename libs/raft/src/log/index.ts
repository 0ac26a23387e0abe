/**
 * Durable multi-Raft log: a WAL shared by every group of the process, per-group Storage views,
 * group commit, segment GC, snapshot files and chunked snapshot transfer. See README.md.
 */
export { RaftLogEngine, type RaftLogEngineOptions, type GcResult } from './raft-log-engine';
export { RaftGroupLog } from './raft-group-log';
export { LogWriteBatch, type LogOp } from './log-write-batch';
export { WalCorruptionError, WalFailedError, SnapshotChecksumError } from './log-errors';
export { SnapshotReceiver, splitSnapshot, DEFAULT_CHUNK_BYTES, type SnapshotChunk, type ChunkResult, type ChunkVerdict } from './snapshot-chunks';
export { nodeWalFs, type WalFs, type WalFile } from './wal-fs';
export type { TornTail } from './wal-recovery';
export { crc32c, crc32cImplementation } from './crc32c';
