import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { extractTraceContext } from './tracing';

const tracer = trace.getTracer('quarry-http');

const probePaths = new Set(['/health', '/ready', '/metrics']);

/**
 * Express middleware: one SERVER span per request, continuing the caller's traceparent, active
 * for the whole handler so NATS calls made while serving it become its children; and one access
 * log line per request with the trace id (probes only at debug level: they come every second).
 */
export const httpTracing = (logger: Logger) => (req: Request, res: Response, next: NextFunction): void => {
  const parent = extractTraceContext({ get: (k) => req.header(k) ?? undefined, set: () => undefined });
  const route = req.path;
  const span = tracer.startSpan(
    `${req.method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': route } },
    parent,
  );
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    const { traceId, spanId } = span.spanContext();
    const entry = { trace_id: traceId, span_id: spanId, method: req.method, path: route, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    if (probePaths.has(route)) logger.debug(entry, 'http request');
    else logger.info(entry, 'http request');
  });
  context.with(trace.setSpan(parent, span), next);
};
