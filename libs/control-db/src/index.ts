export * from './data-source';
export * from './entities/ops-job.entity';
