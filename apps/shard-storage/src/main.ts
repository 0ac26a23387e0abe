import { runService, useDataDir } from '@quarry/service-kit';
import { shardStorageSettings, validateSnapshotRate } from './settings';
import { StoreNode } from './store-node';
import { RegionAdminServer } from './region-admin-server';
import { StarScanServer } from './query/star-scan-server';
import { StoreServer } from './store-server';
import { TxnServer } from './txn-server';
import { ChangePublisher } from './changes/change-publisher';

void runService({
  role: 'shard-storage',
  settings: shardStorageSettings,
  labels: (config) => ({ store_id: String(config.storeId) }),
  module: async (ctx, config) => {
    useDataDir(config.dataDir, ctx.readiness);
    validateSnapshotRate(config.snapshotMaxBytesPerSec);
    const peers = config.consensusPeers.map(Number);
    const node = await StoreNode.start(ctx, {
      storeId: config.storeId,
      dataDir: config.dataDir,
      consensusPeers: peers,
      tickMs: config.tickMs,
      snapshotEntries: config.snapshotEntries,
      changeFeed: config.changeFeed,
      changeFeedMaxBytes: config.changeFeedMaxBytes,
      removedReplicaGraceMs: config.removedReplicaGraceMs,
      snapshotMaxBytesPerSec: config.snapshotMaxBytesPerSec,
      recentInsertsPerRegion: config.recentInsertsPerRegion,
    });
    new StoreServer(ctx, node).start();
    new StarScanServer(ctx, node).start();
    new TxnServer(ctx, node).start();
    if (config.changeFeed) await new ChangePublisher(ctx, node).start();
    new RegionAdminServer(ctx, node).start();
    return { module: class ShardStorageModule {}, providers: [{ provide: StoreNode, useValue: node }] };
  },
});
