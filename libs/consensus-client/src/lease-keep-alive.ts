import { LeaseNotFoundError } from './errors';

export interface KeepAliveOptions {
  /** Time between renewals; default a third of the TTL the service reports. */
  intervalMs?: number;
  /** Called once if the lease is gone (expired or revoked): renewing stops. */
  onLost?: (err: LeaseNotFoundError) => void;
}

/** Renews one lease in the background until stopped or until the lease is gone. */
export class LeaseKeepAliveLoop {
  private stopped = false;
  private wake?: () => void;
  private readonly loop: Promise<void>;
  private lostError?: LeaseNotFoundError;
  /** TTL left after the last successful renewal. */
  lastTtlMs?: number;

  constructor(
    readonly leaseId: bigint,
    private readonly renew: (id: bigint) => Promise<number>,
    private readonly opts: KeepAliveOptions = {},
  ) {
    this.loop = this.run();
  }

  /** True until stopped or the lease is found gone. */
  get alive(): boolean {
    return !this.stopped && !this.lostError;
  }

  get lost(): LeaseNotFoundError | undefined {
    return this.lostError;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delay: number;
      try {
        this.lastTtlMs = await this.renew(this.leaseId);
        delay = this.opts.intervalMs ?? Math.max(10, Math.floor(this.lastTtlMs / 3));
      } catch (err) {
        if (err instanceof LeaseNotFoundError) {
          this.lostError = err;
          if (!this.stopped) this.opts.onLost?.(err);
          return;
        }
        // No leader for now (an election): try again soon; the new leader restarts the TTL anyway.
        delay = Math.min(this.opts.intervalMs ?? 250, 250);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Stops renewing (the lease then expires after its TTL unless revoked). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }
}
