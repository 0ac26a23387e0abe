export * from './term-kind';
export * from './term-encoder';
export * from './term-decoder';
export { hashString } from './string-hash';
