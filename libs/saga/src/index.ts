export * from './chunk-committer';
export * from './chunker';
export * from './saga-source';
export * from './saga-repository';
export * from './saga-runner';
export * from './saga-owner';
