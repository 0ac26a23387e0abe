import { randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ClusterEventSchema } from '@quarry/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from './bus';
import { DeadlineExceededError, NoRespondersError, QuarryError, RemoteError } from './errors';
import { defineMethod } from './rpc-method';

const natsUrl = process.env.QUARRY_NATS_URL ?? 'nats://127.0.0.1:4222';
const Echo = defineMethod({ name: 'Echo', request: ClusterEventSchema, response: ClusterEventSchema, idempotent: true });
const EchoOnce = { ...Echo, name: 'EchoOnce', idempotent: false };

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

describe('Bus over real NATS', () => {
  let server: Bus;
  let client: Bus;
  const prefix = `test.${randomUUID()}`;

  beforeAll(async () => {
    server = await Bus.connect({ url: natsUrl, instanceId: 'server-1' });
    client = await Bus.connect({ url: natsUrl, instanceId: 'client-1' });
  });
  afterAll(async () => {
    await client.drain();
    await server.drain();
  });

  it('round-trips a typed request and reply', async () => {
    server.serve(Echo, `${prefix}.echo`, (req) => ({ type: req.type.toUpperCase(), attributes: req.attributes }));
    await server.nc.flush();
    const reply = await client.request(Echo, `${prefix}.echo`, { type: 'ping', attributes: { a: '1' } });
    expect(reply.type).toBe('PING');
    expect(reply.attributes).toEqual({ a: '1' });
  });

  it('fails with DeadlineExceededError when the reply is later than the deadline', async () => {
    server.serve(EchoOnce, `${prefix}.slow`, async (req) => {
      await new Promise((r) => setTimeout(r, 500));
      return req;
    });
    await server.nc.flush();
    const t0 = Date.now();
    const err = await client.request(EchoOnce, `${prefix}.slow`, { type: 'x' }, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - t0).toBeLessThan(450);
  });

  it('retries an idempotent call with backoff until it succeeds', async () => {
    let calls = 0;
    const times: number[] = [];
    server.serve(Echo, `${prefix}.flaky`, (req) => {
      calls++;
      times.push(Date.now());
      if (calls < 3) throw new QuarryError('UNAVAILABLE', 'warming up');
      return req;
    });
    await server.nc.flush();
    const reply = await client.request(Echo, `${prefix}.flaky`, { type: 'ok' }, { backoff: { attempts: 5, baseMs: 40, maxMs: 200 } });
    expect(reply.type).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry a non-idempotent call', async () => {
    let calls = 0;
    server.serve(EchoOnce, `${prefix}.once`, () => {
      calls++;
      throw new QuarryError('UNAVAILABLE', 'busy');
    });
    await server.nc.flush();
    await expect(client.request(EchoOnce, `${prefix}.once`, { type: 'x' })).rejects.toBeInstanceOf(RemoteError);
    expect(calls).toBe(1);
  });

  it('gives up after the policy attempts and reports the last error', async () => {
    let calls = 0;
    server.serve(Echo, `${prefix}.down`, () => {
      calls++;
      throw new QuarryError('UNAVAILABLE', 'still down');
    });
    await server.nc.flush();
    const err = await client.request(Echo, `${prefix}.down`, { type: 'x' }, { backoff: { attempts: 3, baseMs: 1, maxMs: 5 } }).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).message).toContain('still down');
  });

  it('turns a remote failure into a typed RemoteError with the remote message and code', async () => {
    server.serve(Echo, `${prefix}.notfound`, () => {
      throw new QuarryError('NOT_FOUND', 'no graph <http://x>');
    });
    server.serve(Echo, `${prefix}.crash`, () => {
      throw new TypeError('boom');
    });
    await server.nc.flush();
    const nf = (await client.request(Echo, `${prefix}.notfound`, { type: 'x' }).catch((e: unknown) => e)) as RemoteError;
    expect(nf).toBeInstanceOf(RemoteError);
    expect(nf.code).toBe('NOT_FOUND');
    expect(nf.instanceId).toBe('server-1');
    expect(nf.message).toContain('no graph <http://x>');
    server.serve(Echo, `${prefix}.redirect`, () => {
      throw new QuarryError('NOT_LEADER', 'not the leader', true, { leader: '2' });
    });
    await server.nc.flush();
    const redirect = (await client.request(EchoOnce, `${prefix}.redirect`, { type: 'x' }).catch((e: unknown) => e)) as RemoteError;
    expect(redirect.code).toBe('NOT_LEADER');
    expect(redirect.details).toEqual({ leader: '2' });
    const crash = (await client.request(Echo, `${prefix}.crash`, { type: 'x' }).catch((e: unknown) => e)) as RemoteError;
    expect(crash.code).toBe('INTERNAL');
    expect(crash.message).toContain('boom');
  });

  it('answers a malformed payload with INVALID_ARGUMENT and keeps serving', async () => {
    let handled = 0;
    server.serve(Echo, `${prefix}.strict`, (req) => {
      handled++;
      return req;
    });
    await server.nc.flush();
    // 0xff is an invalid protobuf tag: the server must reply with an error, not crash.
    const raw = await client.nc.request(`${prefix}.strict`, new Uint8Array([0xff, 0xff, 0xff]), { timeout: 1000 });
    expect(raw.headers?.get('quarry-status')).toBe('error');
    expect(new TextDecoder().decode(raw.data)).toContain('INVALID_ARGUMENT');
    expect(handled).toBe(0);
    const ok = await client.request(Echo, `${prefix}.strict`, { type: 'after' });
    expect(ok.type).toBe('after');
  });

  it('reports NoRespondersError when nobody serves the subject', async () => {
    const err = await client.request(EchoOnce, `${prefix}.nobody`, { type: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoRespondersError);
  });

  it('carries traceparent so the handler span is a child of the caller span', async () => {
    exporter.reset();
    let seen = '';
    server.serve(Echo, `${prefix}.traced`, (req, meta) => {
      seen = meta.headers?.get('traceparent') ?? '';
      return req;
    });
    await server.nc.flush();
    const tracer = trace.getTracer('test');
    const root = tracer.startSpan('root');
    await context.with(trace.setSpan(context.active(), root), () => client.request(Echo, `${prefix}.traced`, { type: 't' }));
    root.end();
    const spans = exporter.getFinishedSpans();
    const send = spans.find((s) => s.name === 'send Echo')!;
    const handle = spans.find((s) => s.name === 'handle Echo')!;
    expect(send.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(handle.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(handle.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(seen).toMatch(new RegExp(`^00-${root.spanContext().traceId}-${send.spanContext().spanId}-01$`));
  });

  it('without spans, still carries the caller trace context to the handler, and hands it the raw request', async () => {
    const quietServer = await Bus.connect({ url: natsUrl, instanceId: 'server-3', spans: false });
    const quietClient = await Bus.connect({ url: natsUrl, instanceId: 'client-3', spans: false });
    exporter.reset();
    let activeTrace = '';
    let raw: Uint8Array = new Uint8Array(0);
    quietServer.serve(Echo, `${prefix}.quiet`, (req, meta) => {
      activeTrace = trace.getActiveSpan()?.spanContext().traceId ?? '';
      raw = meta.data;
      return req;
    });
    await quietServer.nc.flush();
    const root = trace.getTracer('test').startSpan('root');
    const reply = await context.with(trace.setSpan(context.active(), root), () =>
      quietClient.request(Echo, `${prefix}.quiet`, { type: 'q', attributes: { k: 'v' } }),
    );
    root.end();
    expect(reply.type).toBe('q');
    expect(activeTrace).toBe(root.spanContext().traceId);
    expect(new Uint8Array(raw)).toEqual(toBinary(ClusterEventSchema, create(ClusterEventSchema, { type: 'q', attributes: { k: 'v' } })));
    // Only this trace: a handler span of an earlier test (the 500 ms slow one) can end meanwhile.
    const ours = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    expect(ours.map((s) => s.name)).toEqual(['root']);
    await quietClient.drain();
    await quietServer.drain();
  });

  it('balances requests across a queue group', async () => {
    const hits = { a: 0, b: 0 };
    const other = await Bus.connect({ url: natsUrl, instanceId: 'server-2' });
    server.serve(Echo, `${prefix}.q`, (r) => (hits.a++, r), { queue: 'q' });
    other.serve(Echo, `${prefix}.q`, (r) => (hits.b++, r), { queue: 'q' });
    await Promise.all([server.nc.flush(), other.nc.flush()]);
    for (let i = 0; i < 40; i++) await client.request(Echo, `${prefix}.q`, { type: 'x' });
    expect(hits.a + hits.b).toBe(40);
    expect(hits.a).toBeGreaterThan(0);
    expect(hits.b).toBeGreaterThan(0);
    await other.drain();
  });
});
