/**
 * @quarry/raft — the Raft consensus core: pure, deterministic, etcd-raft style.
 * Hosts use RawNode + Storage; everything else is exported for tests and tooling.
 */
export * from './types';
export * from './errors';
export * from './logger';
export * from './rng';
export * from './config';
export type { Storage } from './storage';
export { MemoryStorage } from './memory-storage';
export { limitSize, NO_LIMIT } from './limit-size';
export { Unstable } from './unstable';
export { RaftLog } from './raft-log';
export { Raft, CAMPAIGN_TRANSFER_CTX, type CampaignType } from './raft';
export { RawNode } from './raw-node';
export { appliedCursor, type Ready } from './ready';
export { getStatus, type Status, type ProgressStatus } from './status';
export { ReadOnly, type ReadOnlyOption, type ReadIndexStatus } from './read-only';
export * from './quorum/majority';
export * from './quorum/joint';
export { Inflights } from './tracker/inflights';
export { Progress, type ProgressStateType } from './tracker/progress';
export * from './tracker/tracker';
export * from './confchange/types';
export * from './confchange/codec';
export { Changer, checkInvariants, type ChangeResult } from './confchange/changer';
export { restoreConfig } from './confchange/restore';
// Debug renderings (etcd describe.go style), handy in host logs and tests.
export { describeEntry, describeEntries, describeHardState, describeMessage, describeReady, describeSnapshot } from './testing/format';
