/** Base class of every error the storage engine raises on purpose. */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';
}

/** A term that cannot be stored (variable, quoted triple, literal in subject position, ...). */
export class MalformedTermError extends StorageError {
  override readonly name = 'MalformedTermError';
}

/** A batch larger than the configured maximum; nothing of it was written. */
export class BatchTooLargeError extends StorageError {
  override readonly name = 'BatchTooLargeError';
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`batch of ${size} quads exceeds the maximum of ${max}`);
  }
}

export class UnknownRegionError extends StorageError {
  override readonly name = 'UnknownRegionError';
  constructor(readonly regionId: bigint) {
    super(`unknown region ${regionId}`);
  }
}

export class RegionExistsError extends StorageError {
  override readonly name = 'RegionExistsError';
  constructor(readonly regionId: bigint) {
    super(`region ${regionId} already exists`);
  }
}

/** Bytes that do not follow a Quarry binary format (encoded batch, snapshot, cursor). */
export class CorruptDataError extends StorageError {
  override readonly name = 'CorruptDataError';
}

/** A timestamp outside the representable range (0 .. 2^63-1). */
export class InvalidTimestampError extends StorageError {
  override readonly name = 'InvalidTimestampError';
}

/** The store's files were written by another on-disk layout; layouts are not migrated in place. */
export class IncompatibleLayoutError extends StorageError {
  override readonly name = 'IncompatibleLayoutError';
}
