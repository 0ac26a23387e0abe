import type { RegionDescriptor } from '@quarry/proto';
import { QuarryError, sleep } from '@quarry/transport';
import type { StoreClient } from './store-client';

const sameStores = (a: RegionDescriptor, b: RegionDescriptor): boolean => a.stores.length === b.stores.length && [...a.stores].sort().join() === [...b.stores].sort().join();

/**
 * Merges region `sourceId` into its neighbour `targetId`: PrepareMerge on the source (it
 * freezes), then CommitMerge on the target, repeated until the target's leader holds a frozen
 * replica of the source. Only rolls forward: a source once frozen is never thawed, so calling
 * this again after a crash finishes the merge. Checks adjacency and placement first, so bad
 * requests change nothing.
 */
export async function mergeRegions(stores: StoreClient, sourceId: number, targetId: number, timeoutMs = 30_000): Promise<RegionDescriptor> {
  const map = await stores.router.refresh();
  const source = map.regions.find((r) => r.id === sourceId);
  const target = map.regions.find((r) => r.id === targetId);
  if (!source || !target) throw new QuarryError('NOT_FOUND', `unknown region ${!source ? sourceId : targetId}; known: ${map.regions.map((r) => r.id).join(', ')}`);
  if (sourceId === targetId) throw new QuarryError('INVALID_ARGUMENT', 'a region cannot be merged into itself');
  const endOf = (r: RegionDescriptor): bigint => (r.endHash === 0n ? 1n << 64n : r.endHash);
  if (endOf(source) !== target.startHash && endOf(target) !== source.startHash) throw new QuarryError('INVALID_ARGUMENT', `regions ${sourceId} and ${targetId} are not adjacent`);
  if (!sameStores(source, target)) {
    throw new QuarryError('FAILED_PRECONDITION', `regions ${sourceId} (stores ${source.stores.join(',')}) and ${targetId} (stores ${target.stores.join(',')}) are not on the same stores`);
  }
  await stores.prepareMerge(source, targetId);
  return commitMergeWhenFrozen(stores, source.id, target, timeoutMs);
}

/** CommitMerge, retried while the target leader's replica of the source has not applied the freeze yet. */
export async function commitMergeWhenFrozen(stores: StoreClient, sourceId: number, target: RegionDescriptor, timeoutMs = 30_000): Promise<RegionDescriptor> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const reply = await stores.commitMerge(target, sourceId);
      if (!reply.region) throw new QuarryError('INTERNAL', `merge of region ${sourceId} into ${target.id} applied but the region map lacks the target`);
      await stores.router.refresh();
      return reply.region;
    } catch (err) {
      const notYet = err instanceof QuarryError && err.code === 'FAILED_PRECONDITION' && /not \(yet\) frozen/.test(err.message);
      if (!notYet || Date.now() > until) throw err;
      await sleep(200);
    }
  }
}
