import type { WatchEvent, WatchReply } from '@quarry/proto';
import { QuarryError, sleep } from '@quarry/transport';
import { ConsensusUnavailableError, WatchCompactedError } from './errors';

export interface WatchOptions {
  /** First revision wanted; default (0n): changes after the watch starts. */
  fromRevision?: bigint;
  /** How long one poll waits on the server for new events. */
  waitMs?: number;
  /** Most events per poll. */
  limit?: number;
}

/**
 * The events of a watch as an async iterator: every put and delete under the prefix, in revision
 * order, each exactly once. It polls from the revision after the last one it saw, so a reply
 * lost in a leader change is simply asked for again, from the new leader. Stops with
 * WatchCompactedError if the service no longer holds the revisions it needs.
 */
export class WatchStream implements AsyncIterableIterator<WatchEvent> {
  private readonly buffer: WatchEvent[] = [];
  private nextRevision: bigint;
  private cancelled = false;
  private readonly cancelledSignal: Promise<void>;
  private signalCancel!: () => void;

  constructor(
    private readonly poll: (fromRevision: bigint) => Promise<WatchReply>,
    opts: WatchOptions = {},
  ) {
    this.nextRevision = opts.fromRevision ?? 0n;
    this.cancelledSignal = new Promise((resolve) => (this.signalCancel = resolve));
  }

  /** The revision the next event will have at least (0n before the first poll of a "from now" watch). */
  get revision(): bigint {
    return this.nextRevision;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<WatchEvent, undefined>> {
    while (this.buffer.length === 0) {
      if (this.cancelled) return { done: true, value: undefined };
      const reply = await Promise.race([this.fetch(), this.cancelledSignal.then(() => undefined)]);
      if (!reply) continue;
      for (const ev of reply.events) {
        // A retried poll can overlap what was already delivered; revisions say which.
        if (ev.kv && ev.kv.modRevision >= this.nextRevision) this.buffer.push(ev);
      }
      if (reply.nextRevision > this.nextRevision) this.nextRevision = reply.nextRevision;
    }
    return { done: false, value: this.buffer.shift()! };
  }

  private async fetch(): Promise<WatchReply | undefined> {
    for (let attempt = 0; !this.cancelled; attempt++) {
      try {
        return await this.poll(this.nextRevision);
      } catch (err) {
        const transient = err instanceof ConsensusUnavailableError || (err instanceof QuarryError && err.retryable && !(err instanceof WatchCompactedError));
        if (!transient) throw err;
        await sleep(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)));
      }
    }
    return undefined;
  }

  /** Ends the iteration: a pending `next()` resolves as done at once. */
  cancel(): void {
    this.cancelled = true;
    this.signalCancel();
  }

  async return(): Promise<IteratorResult<WatchEvent, undefined>> {
    this.cancel();
    return { done: true, value: undefined };
  }
}
