export * from './errors';
export * from './keys';
export * from './scan-types';
export * from './quad-store';
export * from './encoded-batch';
export * from './encoded-batch-codec';
export * from './term-encoding';
export { ALL_INDEXES, DEFAULT_GRAPH_INDEXES, NAMED_GRAPH_INDEXES, type IndexSpec } from './index-layout';
export { LineBatchEncoder } from './ingest/line-batch-encoder';
