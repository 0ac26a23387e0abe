import type { OnModuleDestroy } from '@nestjs/common';
import { OpsJob } from '@quarry/control-db';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

/** Job records in PostgreSQL and the BullMQ queue that runs them. */
export class OpsJobsService implements OnModuleDestroy {
  constructor(
    readonly db: DataSource,
    readonly queue: Queue,
    private readonly redisProbe: Redis,
  ) {}

  list(limit = 100): Promise<OpsJob[]> {
    return this.db.getRepository(OpsJob).find({ order: { createdAt: 'DESC' }, take: limit });
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
    this.redisProbe.disconnect();
    await this.db.destroy();
  }
}
