import { context, propagation, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  instanceId: string;
  version?: string;
  /** OTLP/HTTP base URL (Jaeger's collector, port 4318); spans go to `${endpoint}/v1/traces`. */
  otlpEndpoint?: string;
}

export interface Tracing {
  /** Flushes buffered spans; call on shutdown so the last request's trace is not lost. */
  shutdown(): Promise<void>;
  exporting: boolean;
}

/**
 * Registers the global tracer provider. Without an endpoint spans are still created (so trace ids
 * reach logs and traceparent crosses NATS) but not exported.
 */
export function initTracing(opts: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (opts.otlpEndpoint) {
    const url = `${opts.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 }));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: opts.serviceName,
      [ATTR_SERVICE_VERSION]: opts.version ?? '0.0.0',
      'service.instance.id': opts.instanceId,
    }),
    spanProcessors,
  });
  provider.register();
  return { shutdown: () => provider.shutdown(), exporting: spanProcessors.length > 0 };
}

/** The carrier shape shared by HTTP headers and NATS headers: get/set by lowercase key. */
export interface HeaderCarrier {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

const getter: TextMapGetter<HeaderCarrier> = {
  get: (carrier, key) => carrier.get(key),
  keys: () => ['traceparent', 'tracestate', 'baggage'],
};
const setter: TextMapSetter<HeaderCarrier> = { set: (carrier, key, value) => carrier.set(key, value) };

export function injectTraceContext(carrier: HeaderCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, setter);
}

export function extractTraceContext(carrier: HeaderCarrier, ctx: Context = context.active()): Context {
  return propagation.extract(ctx, carrier, getter);
}

/** Trace and span id of the active span, for log lines; empty when none is recording. */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const sc = span.spanContext();
  return { traceId: sc.traceId, spanId: sc.spanId };
}
