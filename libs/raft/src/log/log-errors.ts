/**
 * Errors of the durable log that must stop the node: continuing after any of them could lose
 * acknowledged writes or resurrect discarded ones.
 */

/** A WAL segment is damaged somewhere other than a torn tail. */
export class WalCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`WAL corruption in ${file} at byte offset ${offset}: ${reason}`);
    this.name = 'WalCorruptionError';
  }
}

/** A write or fsync failed; the engine refuses further use (the page cache state is unknown). */
export class WalFailedError extends Error {
  constructor(readonly causeError: unknown) {
    super(`WAL write failed; the log must be reopened: ${String(causeError)}`);
    this.name = 'WalFailedError';
  }
}

/** A snapshot file or transferred snapshot whose checksum/metadata do not verify. */
export class SnapshotChecksumError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`snapshot ${file} failed verification: ${reason}`);
    this.name = 'SnapshotChecksumError';
  }
}
