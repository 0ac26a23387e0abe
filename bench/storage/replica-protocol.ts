/** What the replicated-ingest parent and its replica processes (replica-node.ts) exchange. */
export interface ReplicaConfig {
  storeId: number;
  peers: number[];
  regionId: number;
  dataDir: string;
  natsUrl: string;
  cluster: string;
}

/** Messages a replica sends to the parent over the fork IPC channel. */
export type ReplicaReport = { type: 'ready' } | { type: 'status'; id: number; leader: number; isLeader: boolean; applied: number; quads: number; checksum?: string; dataFileBytes?: number; cpuSeconds: number };

/** Requests from the parent; `id` comes back in the answer (requests may overlap). */
export interface ReplicaRequest {
  type: 'status' | 'checksum' | 'stop';
  id: number;
}

/** Piece header of a write over NATS: batch sequence u32, piece index u16, piece count u16, commit ts u64 (BE). */
export const PIECE_HEADER = 16;

export const writeSubject = (cluster: string, storeId: number): string => `quarry.${cluster}.benchwrite.${storeId}`;
