import {
  ConsensusStatusReplySchema,
  ConsensusStatusRequestSchema,
  KvCasReplySchema,
  KvCasRequestSchema,
  KvDeleteReplySchema,
  KvDeleteRequestSchema,
  KvGetReplySchema,
  KvGetRequestSchema,
  KvPutReplySchema,
  KvPutRequestSchema,
  KvRangeReplySchema,
  KvRangeRequestSchema,
  LeaseGrantReplySchema,
  LeaseGrantRequestSchema,
  LeaseKeepAliveReplySchema,
  LeaseKeepAliveRequestSchema,
  LeaseRevokeReplySchema,
  LeaseRevokeRequestSchema,
  TsoReplySchema,
  TsoRequestSchema,
  WatchReplySchema,
  WatchRequestSchema,
} from '@quarry/proto';
import { defineMethod } from '@quarry/transport';

// Writes are not idempotent at the transport level (a timed-out put may have been applied);
// the client retries them only where it knows the server did not take them.
export const KvPut = defineMethod({ name: 'KvPut', request: KvPutRequestSchema, response: KvPutReplySchema, idempotent: false });
export const KvDelete = defineMethod({ name: 'KvDelete', request: KvDeleteRequestSchema, response: KvDeleteReplySchema, idempotent: false });
export const KvCas = defineMethod({ name: 'KvCas', request: KvCasRequestSchema, response: KvCasReplySchema, idempotent: false });
export const KvGet = defineMethod({ name: 'KvGet', request: KvGetRequestSchema, response: KvGetReplySchema, idempotent: true });
export const KvRange = defineMethod({ name: 'KvRange', request: KvRangeRequestSchema, response: KvRangeReplySchema, idempotent: true });
export const ConsensusStatus = defineMethod({ name: 'ConsensusStatus', request: ConsensusStatusRequestSchema, response: ConsensusStatusReplySchema, idempotent: true });
export const Tso = defineMethod({ name: 'Tso', request: TsoRequestSchema, response: TsoReplySchema, idempotent: true });
// A grant retried after a lost reply would leave an orphan lease (which expires on its own);
// a revoke retried after a lost reply answers NOT_FOUND. Neither is retried blindly.
export const LeaseGrant = defineMethod({ name: 'LeaseGrant', request: LeaseGrantRequestSchema, response: LeaseGrantReplySchema, idempotent: false });
export const LeaseRevoke = defineMethod({ name: 'LeaseRevoke', request: LeaseRevokeRequestSchema, response: LeaseRevokeReplySchema, idempotent: false });
export const LeaseKeepAlive = defineMethod({ name: 'LeaseKeepAlive', request: LeaseKeepAliveRequestSchema, response: LeaseKeepAliveReplySchema, idempotent: true });
export const Watch = defineMethod({ name: 'Watch', request: WatchRequestSchema, response: WatchReplySchema, idempotent: true });
