export * from './errors';
export * from './backoff';
export * from './rpc-method';
export * from './subjects';
export * from './bus';
export * from './events';
export * from './service-registry';
