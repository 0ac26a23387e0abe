import { createControlDataSource, ensureDatabase, runMigrations } from '@quarry/control-db';
import { runService } from '@quarry/service-kit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobsController } from './jobs/jobs.controller';
import { OpsJobsService } from './jobs/ops-jobs.service';
import { opsSettings } from './settings';

void runService({
  role: 'ops',
  settings: opsSettings,
  module: async (ctx, config) => {
    const db = createControlDataSource(config.pgUrl);
    try {
      await ensureDatabase(config.pgUrl);
      await db.initialize();
      const applied = await runMigrations(db);
      if (applied.length) ctx.logger.info({ applied }, 'control database migrated');
    } catch (err) {
      throw new Error(`control database at QUARRY_PG_URL=${config.pgUrl} is not usable: ${(err as Error).message}`);
    }
    const redis = new URL(config.redisUrl);
    const queue = new Queue(`quarry-${ctx.subjects.cluster}-ops`, {
      connection: { host: redis.hostname, port: Number(redis.port || 6379), maxRetriesPerRequest: null, enableOfflineQueue: false },
    });
    queue.on('error', (err) => ctx.logger.warn({ err: err.message }, 'redis connection problem'));
    ctx.readiness.add('postgres', async () => {
      await db.query('SELECT 1');
      return { ok: true };
    });
    // A separate connection for the probe: it must fail fast, not queue behind job traffic.
    const probe = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    probe.on('error', () => undefined);
    await probe.connect().catch((err: Error) => {
      throw new Error(`Redis at QUARRY_REDIS_URL=${config.redisUrl} is not reachable: ${err.message}`);
    });
    ctx.readiness.add('redis', async () => ({ ok: (await probe.ping()) === 'PONG' }));
    return {
      module: class OpsModule {},
      controllers: [JobsController],
      providers: [{ provide: OpsJobsService, useValue: new OpsJobsService(db, queue, probe) }],
    };
  },
});
