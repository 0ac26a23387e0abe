import { QuarryError, RemoteError } from '@quarry/transport';

/** The consensus service could not be reached (or elected no leader) within the call's deadline. */
export class ConsensusUnavailableError extends Error {}

/** The lease does not exist: never granted, revoked, or expired. */
export class LeaseNotFoundError extends QuarryError {
  constructor(
    readonly leaseId: bigint,
    message = `lease ${leaseId} not found`,
  ) {
    super('NOT_FOUND', message, false, { reason: 'LEASE_NOT_FOUND', lease: String(leaseId) });
    this.name = 'LeaseNotFoundError';
  }
}

/** A lease TTL must be a positive whole number of milliseconds. */
export class InvalidLeaseTtlError extends QuarryError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message, false, { reason: 'INVALID_TTL' });
    this.name = 'InvalidLeaseTtlError';
  }
}

/** A watch asked for revisions the service no longer keeps; restart from `oldestRevision` (after re-reading state). */
export class WatchCompactedError extends QuarryError {
  constructor(
    message: string,
    readonly compactRevision: bigint,
    readonly oldestRevision: bigint,
  ) {
    super('FAILED_PRECONDITION', message, false, { reason: 'COMPACTED', compactRevision: String(compactRevision), oldestRevision: String(oldestRevision) });
    this.name = 'WatchCompactedError';
  }
}

/** Turns the service's coded refusals into the typed errors above; anything else is returned as is. */
export function typedError(err: unknown): unknown {
  if (!(err instanceof RemoteError)) return err;
  const reason = err.details.reason;
  if (err.code === 'NOT_FOUND' && reason === 'LEASE_NOT_FOUND') return new LeaseNotFoundError(BigInt(err.details.lease ?? '0'), err.message);
  if (err.code === 'INVALID_ARGUMENT' && reason === 'INVALID_TTL') return new InvalidLeaseTtlError(err.message);
  if (err.code === 'FAILED_PRECONDITION' && reason === 'COMPACTED') {
    return new WatchCompactedError(err.message, BigInt(err.details.compactRevision ?? '0'), BigInt(err.details.oldestRevision ?? '0'));
  }
  return err;
}
