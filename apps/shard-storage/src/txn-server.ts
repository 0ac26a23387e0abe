import type { ServiceContext } from '@quarry/service-kit';
import { storeSubject, StoreCommitTxn, StorePrewrite, StoreRollbackTxn } from '@quarry/store-client';
import { QuarryError } from '@quarry/transport';
import { batchSubjectHashes } from './region/batch-subjects';
import { checkOwned, checkRouted } from './region/region-meta';
import type { StoreNode } from './store-node';
import { wireError } from './store-server';

/** Longest lock TTL a prewrite may ask for: a dead coordinator's locks must not block readers for long. */
const MAX_LOCK_TTL_MS = 60_000;

/**
 * The region side of two-phase commit (ADR 0009): prewrite holds a transaction's part of the
 * region as a lock, commit writes it at the commit timestamp, rollback drops it. Each is one
 * Raft entry on the region's leader; the decision itself lives in the consensus service.
 */
export class TxnServer {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly node: StoreNode,
  ) {}

  start(): void {
    const bus = this.ctx.bus;
    const s = (name: string): string => storeSubject(this.ctx.subjects.cluster, this.node.storeId, name);

    bus.serve(StorePrewrite, s(StorePrewrite.name), async (req) => {
      try {
        this.node.requireLeader(req.regionId);
        if (!req.txId || req.txId.length > 64) throw new QuarryError('INVALID_ARGUMENT', 'a prewrite needs a transaction id of 1 to 64 characters');
        if (req.startTs === 0n) throw new QuarryError('INVALID_ARGUMENT', 'a prewrite needs a start timestamp');
        if (req.lockTtlMs < 1 || req.lockTtlMs > MAX_LOCK_TTL_MS) throw new QuarryError('INVALID_ARGUMENT', `lock_ttl_ms must be 1..${MAX_LOCK_TTL_MS}`);
        const meta = this.node.machine(req.regionId).meta;
        checkRouted(req.regionId, meta, req.regionVersion);
        checkOwned(req.regionId, meta, batchSubjectHashes(req.batch));
        this.node.checkFeedBacklog(req.regionId);
        await this.node.propose(req.regionId, { case: 'prewrite', value: req });
        return {};
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreCommitTxn, s(StoreCommitTxn.name), async (req) => {
      try {
        this.node.requireLeader(req.regionId);
        const result = await this.node.propose(req.regionId, { case: 'commitTxn', value: req });
        return { found: result.found ?? false };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreRollbackTxn, s(StoreRollbackTxn.name), async (req) => {
      try {
        this.node.requireLeader(req.regionId);
        const result = await this.node.propose(req.regionId, { case: 'rollbackTxn', value: req });
        return { found: result.found ?? false };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });
  }
}
