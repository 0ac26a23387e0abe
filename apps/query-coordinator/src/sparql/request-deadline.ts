import { ProtocolError } from './protocol-error';

/**
 * One request's cancellation: fires on its timeout or when the client goes away, and
 * remembers which, so a timeout becomes 503 while a disconnect needs no answer at all.
 */
export class RequestDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private cause: 'timeout' | 'disconnect' | undefined;

  constructor(readonly timeoutMs: number) {
    this.timer = setTimeout(() => this.abort('timeout'), timeoutMs);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.cause === 'timeout';
  }

  get disconnected(): boolean {
    return this.cause === 'disconnect';
  }

  abort(cause: 'timeout' | 'disconnect'): void {
    if (this.cause) return;
    this.cause = cause;
    this.controller.abort(new Error(cause === 'timeout' ? `timed out after ${this.timeoutMs} ms` : 'client disconnected'));
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The `timeout` request parameter, in seconds (decimals allowed, as in Fuseki), capped by
 * the server maximum; absent means the server default.
 */
export function timeoutFromParam(value: string | undefined, defaultMs: number, maxMs: number): number {
  if (value === undefined || value === '') return defaultMs;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new ProtocolError(400, `invalid timeout parameter '${value}': expected a positive number of seconds`);
  return Math.min(Math.ceil(seconds * 1000), maxMs);
}
