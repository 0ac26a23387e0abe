export * from './state-machine';
export * from './raft-wire';
export * from './raft-transport';
export * from './pending-requests';
export * from './group-replica';
export * from './multi-raft-host';
export * from './snapshot-pacer';
export * from './wire-codec';
