export * from './service-context';
export * from './service-settings';
export * from './run-service';
export * from './health.controller';
export * from './data-dir';
