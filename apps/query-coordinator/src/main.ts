import { ConsensusClient } from '@quarry/consensus-client';
import { runService } from '@quarry/service-kit';
import { RegionRouter, StoreClient } from '@quarry/store-client';
import { CoordinatorSagas } from './bulk-load/coordinator-sagas';
import { ClusterController } from './cluster/cluster.controller';
import { ClusterDataset } from './cluster-store/cluster-dataset';
import { serviceHandlerFrom, updateLoaderFrom } from './federation';
import { queryCoordinatorSettings } from './settings';
import { SparqlHttpModule } from './sparql';

void runService({
  role: 'query-coordinator',
  settings: queryCoordinatorSettings,
  bodyLimit: '1gb', // per-endpoint limits (413) are enforced by the SPARQL layer from its options
  module: (ctx, config) => {
    const consensus = new ConsensusClient(ctx.bus, ctx.subjects, { peers: config.consensusPeers.map(Number) });
    const stores = new StoreClient(ctx.bus, new RegionRouter(consensus), { cluster: ctx.subjects.cluster });
    const crashAt = config.testCrashAt;
    const dataset = new ClusterDataset(stores, consensus, {
      pushdown: config.queryPushdown,
      txns: {
        lockTtlMs: config.txnLockTtlMs,
        // Fault injection for the crash tests (QUARRY_TEST_CRASH_AT): die like a kill -9.
        faultPoint: crashAt === 'none' ? undefined : (point) => point === crashAt && process.kill(process.pid, 'SIGKILL'),
        onBackgroundError: (err) => ctx.logger.warn({ err }, 'transaction cleanup failed; readers will finish it'),
      },
    });
    // Large Graph Store POSTs run as sagas; orphaned ones (a crashed coordinator's) are resumed here.
    const sagas = new CoordinatorSagas(
      {
        cluster: ctx.subjects.cluster,
        instanceId: ctx.instanceId,
        pgUrl: config.pgUrl,
        minBytes: config.sagaMinBytes,
        chunkQuads: config.sagaChunkQuads,
        loadDir: config.loadDir,
        ownerTimeoutMs: config.sagaOwnerTimeoutMs,
      },
      stores,
      consensus,
      ctx.logger,
    );
    sagas.start();
    ctx.readiness.add('region-map', async () => {
      // Bounded: health replies must not wait for the consensus client's long retry deadline.
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('consensus service did not answer within 1 s')), 1000).unref());
      try {
        const regions = await Promise.race([stores.router.regions(), timeout]);
        return { ok: regions.length > 0, detail: `${regions.length} regions` };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    });
    return {
      module: class QueryCoordinatorModule {},
      imports: [
        SparqlHttpModule.register({
          dataset: { useValue: dataset },
          options: {
            defaultTimeoutMs: config.queryTimeoutMs,
            maxTimeoutMs: config.queryTimeoutMs * 10,
            maxRequestBytes: config.maxRequestBytes,
            maxUploadBytes: config.maxUploadBytes,
            maxConcurrentPerClient: config.maxConcurrentPerClient,
            serviceHandler: serviceHandlerFrom(config),
            loader: updateLoaderFrom(config),
            bulkLoader: config.sagaMinBytes > 0 ? sagas : undefined,
          },
        }),
      ],
      controllers: [ClusterController],
      providers: [{ provide: CoordinatorSagas, useValue: sagas }],
    };
  },
});
