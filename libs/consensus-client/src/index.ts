export * from './methods';
export * from './errors';
export * from './lease-keep-alive';
export * from './watch-stream';
export * from './consensus-client';
