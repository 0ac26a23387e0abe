import type { ConsensusClient } from '@quarry/consensus-client';

/** Stores being drained by `quarry store remove`: the placement driver moves their replicas away. */
export const REMOVING_PREFIX = 'stores/removing/';

export async function markStoreRemoving(consensus: ConsensusClient, storeId: number): Promise<void> {
  await consensus.put(`${REMOVING_PREFIX}${storeId}`, new Date().toISOString());
}

export async function storesBeingRemoved(consensus: ConsensusClient): Promise<Set<number>> {
  const { kvs } = await consensus.range(REMOVING_PREFIX);
  return new Set(kvs.map((kv) => Number(new TextDecoder().decode(kv.key).slice(REMOVING_PREFIX.length))).filter((n) => n > 0));
}
