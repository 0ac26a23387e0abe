import type { RegionDescriptor } from '@quarry/proto';
import { storesBeingRemoved } from '@quarry/store-client';
import { ServiceDirectory, Subjects } from '@quarry/transport';
import type { ClusterConnection } from './cluster-connection';

export interface RegionView {
  id: number;
  startHash: string;
  endHash: string;
  epoch: number;
  /** Range version: bumped by splits and merges. */
  version: number;
  stores: number[];
  leader: number;
  liveReplicas: number;
  quads: number;
  health: 'healthy' | 'under-replicated' | 'no-quorum';
}

export interface StoreView {
  storeId: number;
  instanceId: string;
  state: string;
  replicas: number;
  leaders: number;
  removing: boolean;
}

/** Regions with their leader and live replicas, asked from the replicas themselves. */
export async function regionViews(conn: ClusterConnection, replicas = 3): Promise<RegionView[]> {
  const map = await conn.stores.router.refresh();
  return Promise.all(
    map.regions.map(async (r: RegionDescriptor) => {
      const statuses = await Promise.all(r.stores.map((s) => conn.stores.replicaStatus(s, r.id, { counts: true }).catch(() => undefined)));
      const live = statuses.filter((s) => s !== undefined);
      const leader = live.find((s) => s.leaderStore === s.storeId)?.storeId ?? 0;
      const quorum = Math.floor(r.stores.length / 2) + 1;
      return {
        id: r.id,
        startHash: `0x${r.startHash.toString(16).padStart(16, '0')}`,
        endHash: r.endHash === 0n ? 'end' : `0x${r.endHash.toString(16).padStart(16, '0')}`,
        epoch: Number(r.epoch),
        version: Number(r.version),
        stores: r.stores,
        leader,
        liveReplicas: live.length,
        quads: Number(live.find((s) => s.storeId === leader)?.quadCount ?? live[0]?.quadCount ?? 0n),
        health: live.length < quorum || !leader ? 'no-quorum' : live.length < Math.max(replicas, r.stores.length) ? 'under-replicated' : 'healthy',
      };
    }),
  );
}

export async function storeViews(conn: ClusterConnection, regions: RegionView[]): Promise<StoreView[]> {
  const statuses = await new ServiceDirectory(conn.bus, new Subjects(conn.cluster)).status();
  const removing = await storesBeingRemoved(conn.consensus);
  const views = new Map<number, StoreView>();
  for (const s of statuses.filter((x) => x.instance.role === 'shard-storage')) {
    const id = Number(s.instance.labels.store_id ?? 0);
    if (id > 0) views.set(id, { storeId: id, instanceId: s.instance.instanceId, state: s.state, replicas: 0, leaders: 0, removing: removing.has(id) });
  }
  for (const r of regions) {
    for (const s of r.stores) {
      const v = views.get(s) ?? { storeId: s, instanceId: '', state: 'down', replicas: 0, leaders: 0, removing: removing.has(s) };
      v.replicas++;
      if (r.leader === s) v.leaders++;
      views.set(s, v);
    }
  }
  return [...views.values()].sort((a, b) => a.storeId - b.storeId);
}
