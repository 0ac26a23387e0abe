/**
 * A command the state machine refuses. Every replica refuses the same command the same way, so
 * the refusal is part of the replicated outcome; the server turns the code into a transport error.
 */
export class KvCommandError extends Error {
  constructor(
    readonly code: 'INVALID_ARGUMENT' | 'NOT_FOUND',
    message: string,
    /** Machine-readable extras for the client, e.g. { reason: 'LEASE_NOT_FOUND', lease: '7' }. */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'KvCommandError';
  }
}

export const leaseNotFound = (id: bigint): KvCommandError => new KvCommandError('NOT_FOUND', `lease ${id} not found`, { reason: 'LEASE_NOT_FOUND', lease: String(id) });
