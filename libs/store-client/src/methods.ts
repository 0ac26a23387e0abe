import {
  CommitMergeReplySchema,
  CommitMergeRequestSchema,
  PrepareMergeReplySchema,
  PrepareMergeRequestSchema,
  SplitRegionReplySchema,
  SplitRegionRequestSchema,
  ChangePeersReplySchema,
  ChangePeersRequestSchema,
  ContainsReplySchema,
  ContainsRequestSchema,
  EstimateReplySchema,
  EstimateRequestSchema,
  RegionStatusReplySchema,
  RegionStatusRequestSchema,
  ScanReplySchema,
  ScanRequestSchema,
  TransferLeaderReplySchema,
  TransferLeaderRequestSchema,
  WriteReplySchema,
  WriteRequestSchema,
  PrewriteRequestSchema,
  PrewriteReplySchema,
  CommitTxnRequestSchema,
  RollbackTxnRequestSchema,
  TxnOutcomeReplySchema,
} from '@quarry/proto';
import { defineMethod } from '@quarry/transport';

export const StoreScan = defineMethod({ name: 'Scan', request: ScanRequestSchema, response: ScanReplySchema, idempotent: true });
export const StoreEstimate = defineMethod({ name: 'Estimate', request: EstimateRequestSchema, response: EstimateReplySchema, idempotent: true });
// A read at a fixed timestamp: asking again gives the same answer.
export const StoreContains = defineMethod({ name: 'Contains', request: ContainsRequestSchema, response: ContainsReplySchema, idempotent: true });
export const StoreRegionStatus = defineMethod({ name: 'RegionStatus', request: RegionStatusRequestSchema, response: RegionStatusReplySchema, idempotent: true });
// A write applied twice at the same commit timestamp leaves the same state (MVCC versions are
// keyed by timestamp), so retrying it is safe.
export const StoreWrite = defineMethod({ name: 'Write', request: WriteRequestSchema, response: WriteReplySchema, idempotent: true });

// Two-phase commit (ADR 0009). A repeated prewrite adds nothing to its lock; a repeated commit
// or rollback finds no lock and changes nothing.
export const StorePrewrite = defineMethod({ name: 'Prewrite', request: PrewriteRequestSchema, response: PrewriteReplySchema, idempotent: true });
export const StoreCommitTxn = defineMethod({ name: 'CommitTxn', request: CommitTxnRequestSchema, response: TxnOutcomeReplySchema, idempotent: true });
export const StoreRollbackTxn = defineMethod({ name: 'RollbackTxn', request: RollbackTxnRequestSchema, response: TxnOutcomeReplySchema, idempotent: true });

/** Not idempotent: a repeated membership change is refused or changes nothing, so callers check state first. */
export const StoreChangePeers = defineMethod({ name: 'ChangePeers', request: ChangePeersRequestSchema, response: ChangePeersReplySchema, idempotent: false });

export const StoreTransferLeader = defineMethod({ name: 'TransferLeader', request: TransferLeaderRequestSchema, response: TransferLeaderReplySchema, idempotent: true });

// Split and merge steps check the region's state before proposing and are refused (or change
// nothing) when repeated, so a retry after a lost reply is safe.
export const StoreSplitRegion = defineMethod({ name: 'SplitRegion', request: SplitRegionRequestSchema, response: SplitRegionReplySchema, idempotent: false });
export const StorePrepareMerge = defineMethod({ name: 'PrepareMerge', request: PrepareMergeRequestSchema, response: PrepareMergeReplySchema, idempotent: true });
export const StoreCommitMerge = defineMethod({ name: 'CommitMerge', request: CommitMergeRequestSchema, response: CommitMergeReplySchema, idempotent: false });

export const storeSubject = (cluster: string, storeId: number, method: string): string => `quarry.${cluster}.store.${storeId}.${method}`;
