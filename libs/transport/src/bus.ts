import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import {
  connect,
  headers as natsHeaders,
  NoRespondersError as NatsNoResponders,
  RequestError,
  TimeoutError,
  type MsgHdrs,
  type NatsConnection,
  type Msg,
  type Subscription,
} from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { ErrorReplySchema } from '@quarry/proto';
import { extractTraceContext, injectTraceContext, type HeaderCarrier } from '@quarry/telemetry';
import { backoffDelay, defaultBackoff, sleep, type BackoffPolicy } from './backoff';
import { DeadlineExceededError, NoRespondersError, QuarryError, RemoteError } from './errors';
import { ReplyMux } from './reply-mux';
import type { RpcMethod } from './rpc-method';

const STATUS_HEADER = 'quarry-status';
const DEADLINE_HEADER = 'quarry-deadline';
const tracer = trace.getTracer('quarry-transport');

export interface RequestOptions {
  /** Deadline per attempt; every request has one. */
  timeoutMs?: number;
  /** Overrides the retry policy; retries happen only for idempotent methods. */
  backoff?: BackoffPolicy;
}

export interface ServeOptions {
  /** Queue group: one member of the group answers each request (stateless services). */
  queue?: string;
}

export type Handler<Req extends DescMessage, Res extends DescMessage> = (
  request: MessageShape<Req>,
  /** `data`: the request's encoded bytes (a handler forwarding the request need not re-encode it). */
  meta: { subject: string; headers?: MsgHdrs; data: Uint8Array },
) => Promise<MessageInitShape<Res>> | MessageInitShape<Res>;

export interface BusOptions {
  url: string;
  /** Connection name shown in NATS monitoring, and the instance id in error replies. */
  instanceId: string;
  defaultTimeoutMs?: number;
  onHandlerError?: (subject: string, err: unknown) => void;
  /**
   * Start a span for every request sent and handled (default true). Pass false when no span
   * is exported: the caller's trace context still crosses NATS and reaches the handler's log
   * lines, without building a span per request (a few % of a busy server's CPU, and garbage).
   */
  spans?: boolean;
}

function carrierOf(h: MsgHdrs): HeaderCarrier {
  return { get: (k) => (h.has(k) ? h.get(k) : undefined), set: (k, v) => h.set(k, v) };
}

/**
 * Typed protobuf request/reply and pub/sub over NATS (the @nats-io v3 client, not Nest's
 * transporter: we need deadlines, headers and binary payloads). Every message carries the W3C
 * traceparent in its headers, so one trace follows a request across services.
 */
export class Bus {
  private readonly subs: Subscription[] = [];
  private readonly replies: ReplyMux;

  private constructor(
    readonly nc: NatsConnection,
    private readonly opts: BusOptions,
  ) {
    this.replies = new ReplyMux(nc);
  }

  static async connect(opts: BusOptions): Promise<Bus> {
    const nc = await connect({ servers: opts.url, name: opts.instanceId, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    return new Bus(nc, opts);
  }

  get instanceId(): string {
    return this.opts.instanceId;
  }

  get connected(): boolean {
    return !this.nc.isClosed() && !this.nc.isDraining();
  }

  async request<Req extends DescMessage, Res extends DescMessage>(
    method: RpcMethod<Req, Res>,
    subject: string,
    body: MessageInitShape<Req>,
    opts: RequestOptions = {},
  ): Promise<MessageShape<Res>> {
    const policy = method.idempotent ? (opts.backoff ?? defaultBackoff) : { ...defaultBackoff, attempts: 1 };
    const payload = toBinary(method.request, create(method.request, body));
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.requestOnce(method, subject, payload, opts.timeoutMs ?? this.opts.defaultTimeoutMs ?? 5000);
      } catch (err) {
        const retryable = err instanceof QuarryError && err.retryable;
        if (!retryable || attempt + 1 >= policy.attempts) throw err;
        await sleep(backoffDelay(attempt, policy));
      }
    }
  }

  private requestOnce<Req extends DescMessage, Res extends DescMessage>(
    method: RpcMethod<Req, Res>,
    subject: string,
    payload: Uint8Array,
    timeoutMs: number,
  ): Promise<MessageShape<Res>> {
    if (this.opts.spans === false) return this.exchange(method, subject, payload, timeoutMs);
    return tracer.startActiveSpan(
      `send ${method.name}`,
      { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject } },
      async (span) => {
        try {
          return await this.exchange(method, subject, payload, timeoutMs);
        } catch (err) {
          recordError(span, err);
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  /** One request and its reply, with the active trace context and the deadline in headers. */
  private async exchange<Req extends DescMessage, Res extends DescMessage>(
    method: RpcMethod<Req, Res>,
    subject: string,
    payload: Uint8Array,
    timeoutMs: number,
  ): Promise<MessageShape<Res>> {
    const h = natsHeaders();
    injectTraceContext(carrierOf(h));
    h.set(DEADLINE_HEADER, String(Date.now() + timeoutMs));
    let reply: Msg;
    try {
      reply = await this.replies.request(subject, payload, timeoutMs, h);
    } catch (err) {
      throw translateNatsError(err, subject, timeoutMs);
    }
    if (reply.headers?.get(STATUS_HEADER) === 'error') {
      const e = fromBinary(ErrorReplySchema, reply.data);
      throw new RemoteError(e.code, e.message, e.instanceId, e.retryable, subject, e.details);
    }
    try {
      return fromBinary(method.response, reply.data);
    } catch (err) {
      throw new QuarryError('INTERNAL', `${subject}: malformed ${method.response.typeName} reply: ${(err as Error).message}`, false);
    }
  }

  /** Answers requests on `subject` with `handler`; malformed payloads get INVALID_ARGUMENT. */
  serve<Req extends DescMessage, Res extends DescMessage>(
    method: RpcMethod<Req, Res>,
    subject: string,
    handler: Handler<Req, Res>,
    opts: ServeOptions = {},
  ): Subscription {
    const sub = this.nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) {
          this.opts.onHandlerError?.(subject, err);
          return;
        }
        void this.handle(method, msg, handler);
      },
    });
    this.subs.push(sub);
    return sub;
  }

  private async handle<Req extends DescMessage, Res extends DescMessage>(method: RpcMethod<Req, Res>, msg: Msg, handler: Handler<Req, Res>): Promise<void> {
    const parent = msg.headers ? extractTraceContext(carrierOf(msg.headers)) : context.active();
    if (this.opts.spans === false) {
      // The caller's span stays active: log lines of the handler carry its trace id.
      await context.with(parent, () => this.answer(method, msg, handler));
      return;
    }
    const span = tracer.startSpan(
      `handle ${method.name}`,
      { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } },
      parent,
    );
    await context.with(trace.setSpan(parent, span), async () => {
      try {
        await this.answer(method, msg, handler, span);
      } finally {
        span.end();
      }
    });
  }

  /** Decodes, runs the handler and replies (an error reply for anything it throws). */
  private async answer<Req extends DescMessage, Res extends DescMessage>(
    method: RpcMethod<Req, Res>,
    msg: Msg,
    handler: Handler<Req, Res>,
    span?: Span,
  ): Promise<void> {
    try {
      const deadline = Number(msg.headers?.get(DEADLINE_HEADER) || 0);
      if (deadline && Date.now() > deadline) throw new QuarryError('DEADLINE_EXCEEDED', 'deadline passed before the request was handled');
      let request: MessageShape<Req>;
      try {
        request = fromBinary(method.request, msg.data);
      } catch (err) {
        throw new QuarryError('INVALID_ARGUMENT', `malformed ${method.request.typeName}: ${(err as Error).message}`);
      }
      const result = await handler(request, { subject: msg.subject, headers: msg.headers, data: msg.data });
      if (msg.reply) msg.respond(toBinary(method.response, create(method.response, result)));
    } catch (err) {
      if (span) recordError(span, err);
      if (!(err instanceof QuarryError)) this.opts.onHandlerError?.(msg.subject, err);
      this.replyError(msg, err);
    }
  }

  private replyError(msg: Msg, err: unknown): void {
    if (!msg.reply) return;
    const qe = err instanceof QuarryError ? err : new QuarryError('INTERNAL', (err as Error)?.message ?? String(err));
    const h = natsHeaders();
    h.set(STATUS_HEADER, 'error');
    const body = create(ErrorReplySchema, {
      code: qe.code,
      message: qe.message,
      instanceId: this.opts.instanceId,
      retryable: qe.retryable,
      details: qe.details,
    });
    msg.respond(toBinary(ErrorReplySchema, body), { headers: h });
  }

  /** Fire-and-forget publish of a protobuf message, with trace context. */
  publish<S extends DescMessage>(schema: S, subject: string, body: MessageInitShape<S>): void {
    const h = natsHeaders();
    injectTraceContext(carrierOf(h));
    this.nc.publish(subject, toBinary(schema, create(schema, body)), { headers: h });
  }

  /** Subscribes to protobuf messages; undecodable ones are reported and skipped, never thrown. */
  subscribe<S extends DescMessage>(
    schema: S,
    subject: string,
    onMessage: (m: MessageShape<S>, subject: string) => void,
    opts: ServeOptions = {},
  ): Subscription {
    const sub = this.nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) return this.opts.onHandlerError?.(subject, err);
        let decoded: MessageShape<S>;
        try {
          decoded = fromBinary(schema, msg.data);
        } catch (e) {
          return this.opts.onHandlerError?.(msg.subject, new QuarryError('INVALID_ARGUMENT', `malformed ${schema.typeName}: ${(e as Error).message}`));
        }
        onMessage(decoded, msg.subject);
      },
    });
    this.subs.push(sub);
    return sub;
  }

  /** Stops taking new messages, lets in-flight handlers reply, then closes. */
  async drain(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain();
  }
}

function translateNatsError(err: unknown, subject: string, timeoutMs: number): Error {
  if (err instanceof TimeoutError) return new DeadlineExceededError(subject, timeoutMs);
  if (err instanceof RequestError) {
    if (err.isNoResponders()) return new NoRespondersError(subject);
    if (err.cause instanceof TimeoutError) return new DeadlineExceededError(subject, timeoutMs);
  }
  if (err instanceof NatsNoResponders) return new NoRespondersError(subject);
  return err instanceof Error ? err : new Error(String(err));
}

function recordError(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
  if (err instanceof Error) span.recordException(err);
}
