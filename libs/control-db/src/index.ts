export * from './data-source';
export * from './entities/ops-job.entity';
export * from './entities/load-saga.entity';
export * from './open-control-db';
