/** Stable error codes carried on the wire in ErrorReply.code. */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'NOT_LEADER'
  | 'STALE_EPOCH'
  /** A transaction's lock stands in the way; details carry txId, startTs, ttlMs (ADR 0009). */
  | 'LOCKED'
  | 'INTERNAL';

const retryableCodes: ReadonlySet<string> = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'NOT_LEADER']);

/** Thrown by handlers to answer with a specific code; anything else becomes INTERNAL. */
export class QuarryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = retryableCodes.has(code),
    /** Machine-readable extras carried to the caller, e.g. { leader: '2' } with NOT_LEADER. */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'QuarryError';
  }
}

/** A failure reported by the remote handler, with the remote's code and message. */
export class RemoteError extends QuarryError {
  constructor(
    code: string,
    message: string,
    readonly instanceId: string,
    retryable: boolean,
    readonly subject: string,
    details: Record<string, string> = {},
  ) {
    super(code as ErrorCode, `${subject}: ${instanceId ? `${instanceId}: ` : ''}${message}`, retryable, details);
    this.name = 'RemoteError';
  }
}

/** The request's deadline passed before a reply came. Retrying an idempotent call is safe. */
export class DeadlineExceededError extends QuarryError {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super('DEADLINE_EXCEEDED', `${subject}: no reply within ${timeoutMs} ms`, true);
    this.name = 'DeadlineExceededError';
  }
}

/** Nobody listens on the subject: the service is down or not started yet. */
export class NoRespondersError extends QuarryError {
  constructor(readonly subject: string) {
    super('UNAVAILABLE', `${subject}: no service is listening`, true);
    this.name = 'NoRespondersError';
  }
}
