import { ConsensusClient } from '@quarry/consensus-client';
import { runService } from '@quarry/service-kit';
import { RegionRouter, StoreClient } from '@quarry/store-client';
import { PdLease } from './leadership/pd-lease';
import { PdLeadership } from './leadership/pd-leadership';
import { RegionBootstrap } from './placement/region-bootstrap';
import { RegionMapStore } from './placement/region-map-store';
import { RegionScheduler } from './placement/region-scheduler';
import { RegionSizer } from './placement/region-sizer';
import { validateSizing } from './placement/region-sizing';
import { placementDriverSettings } from './settings';

void runService({
  role: 'placement-driver',
  settings: placementDriverSettings,
  module: (ctx, config) => {
    const consensus = new ConsensusClient(ctx.bus, ctx.subjects, { peers: config.consensusPeers.map(Number), deadlineMs: 3000 });
    const bootstrap = new RegionBootstrap(ctx, consensus, { initialRegions: config.initialRegions, replicas: config.replicas });
    const stores = new StoreClient(ctx.bus, new RegionRouter(consensus), { cluster: ctx.subjects.cluster, deadlineMs: 10_000 });
    const sizing = { splitQuads: config.regionSplitQuads, mergeQuads: config.regionMergeQuads, minRegions: config.initialRegions, hotWriteQps: config.regionHotWriteQps };
    validateSizing(sizing);
    const sizer = new RegionSizer(ctx, stores, { ...sizing, checkMs: config.regionSizeCheckMs });
    const scheduler = new RegionScheduler(
      ctx,
      new RegionMapStore(consensus),
      stores,
      consensus,
      { storeDownTimeoutMs: config.storeDownTimeoutMs, replicas: config.replicas, intervalMs: 1000, balanceIntervalMs: config.balanceIntervalMs, balanceTolerance: config.balanceTolerancePercent / 100 },
      sizer,
    );
    const lease = new PdLease(consensus, { instanceId: ctx.instanceId, ttlMs: config.leaseTtlMs });
    const leadership = new PdLeadership(ctx, lease, [bootstrap, scheduler], {
      renewMs: Math.max(200, Math.floor(config.leaseTtlMs / 3)),
      watchMs: Math.max(100, Math.floor(config.leaseTtlMs / 10)),
    });
    leadership.start();
    return { module: class PlacementDriverModule {}, providers: [{ provide: PdLeadership, useValue: leadership }] };
  },
});
