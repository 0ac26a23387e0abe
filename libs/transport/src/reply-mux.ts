import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { DeadlineExceededError, NoRespondersError } from './errors';

interface Awaiting {
  subject: string;
  resolve(m: Msg): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply over one wildcard inbox subscription, as the NATS client's own "mux" does, but
 * without its per-request bookkeeping: the client builds an Error (with a stack trace) for every
 * request it completes, even a successful one, which was a fifth of a busy caller's CPU.
 * Replies are matched by a numeric token at the end of the reply subject.
 */
export class ReplyMux {
  private prefix?: string;
  private sub?: Subscription;
  private nextToken = 0;
  private readonly awaiting = new Map<number, Awaiting>();

  constructor(private readonly nc: NatsConnection) {}

  /**
   * Publishes `payload` to `subject` and resolves with the reply; rejects with
   * DeadlineExceededError after `timeoutMs`, NoRespondersError when nobody listens, or the
   * client's error if the connection cannot publish.
   */
  request(subject: string, payload: Uint8Array, timeoutMs: number, headers: MsgHdrs): Promise<Msg> {
    const prefix = this.listen();
    const token = ++this.nextToken;
    const reply = new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.awaiting.delete(token);
        reject(new DeadlineExceededError(subject, timeoutMs));
      }, timeoutMs);
      this.awaiting.set(token, { subject, resolve, reject, timer });
    });
    try {
      this.nc.publish(subject, payload, { reply: prefix + token, headers });
    } catch (err) {
      this.settle(token)?.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return reply;
  }

  private listen(): string {
    if (this.prefix !== undefined) return this.prefix;
    const prefix = `${createInbox()}.`;
    this.sub = this.nc.subscribe(`${prefix}*`, {
      callback: (err, msg) => {
        if (err) return this.failAll(err);
        const w = this.settle(Number(msg.subject.slice(prefix.length)));
        if (!w) return; // a reply after its deadline
        // The server answers a request nobody subscribes to with an empty 503 status message.
        if (msg.data.length === 0 && msg.headers?.code === 503) w.reject(new NoRespondersError(w.subject));
        else w.resolve(msg);
      },
    });
    void this.nc.closed().then(() => this.failAll(new Error('connection closed')));
    this.prefix = prefix;
    return prefix;
  }

  private settle(token: number): Awaiting | undefined {
    const w = this.awaiting.get(token);
    if (!w) return undefined;
    this.awaiting.delete(token);
    clearTimeout(w.timer);
    return w;
  }

  private failAll(err: Error): void {
    for (const token of [...this.awaiting.keys()]) this.settle(token)?.reject(err);
  }
}
