import type { RegionDescriptor } from '@quarry/proto';
import { QuarryError } from '@quarry/transport';
import { physicalMs, type TxnDecisions } from './txn-decisions';

/** A lock as a LOCKED error describes it. */
export interface MetLock {
  txId: string;
  startTs: bigint;
  ttlMs: number;
}

export function lockFromError(err: unknown): MetLock | undefined {
  if (!(err instanceof QuarryError) || err.code !== 'LOCKED') return undefined;
  const { txId, startTs, ttlMs } = err.details;
  if (!txId || !/^\d+$/.test(startTs ?? '') || !/^\d+$/.test(ttlMs ?? '')) return undefined;
  return { txId, startTs: BigInt(startTs), ttlMs: Number(ttlMs) };
}

/**
 * Finishes, in one region, a transaction whose lock a reader or writer met (Percolator's lock
 * resolution, ADR 0009): committed -> commit the region's part at the decided timestamp;
 * aborted -> roll it back; undecided and past its TTL -> decide "aborted" (the coordinator is
 * presumed dead; if it decided first, its decision stands) and act on what stands; undecided
 * and alive -> 'pending', and the caller waits or gives up.
 */
export class LockResolver {
  constructor(
    private readonly decisions: TxnDecisions,
    private readonly commit: (region: RegionDescriptor, txId: string, commitTs: bigint) => Promise<unknown>,
    private readonly rollback: (region: RegionDescriptor, txId: string) => Promise<unknown>,
  ) {}

  async resolve(region: RegionDescriptor, lock: MetLock): Promise<'resolved' | 'pending'> {
    let decision = await this.decisions.get(lock.txId);
    if (!decision) {
      const now = await this.decisions.timestamp();
      if (physicalMs(now) <= physicalMs(lock.startTs) + BigInt(lock.ttlMs)) return 'pending';
      decision = await this.decisions.decide(lock.txId, { state: 'aborted' });
    }
    if (decision.state === 'committed') await this.commit(region, lock.txId, decision.commitTs);
    else await this.rollback(region, lock.txId);
    return 'resolved';
  }
}
