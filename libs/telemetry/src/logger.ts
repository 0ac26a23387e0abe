import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { activeTraceIds } from './tracing';

export type { Logger } from 'pino';

/** JSON lines on stdout, each carrying the active trace id so logs join traces in Jaeger. */
export function createLogger(opts: { service: string; instanceId: string; level?: string }): Logger {
  return pino({
    level: opts.level ?? 'info',
    base: { service: opts.service, instance: opts.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ids = activeTraceIds();
      return ids.traceId ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
    },
  });
}

/** Lets Nest's own messages (bootstrap, routes, exceptions) go through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, ...rest: unknown[]): void {
    this.logger.info({ context: contextOf(rest) }, String(message));
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.logger.error({ context: contextOf(rest), stack: rest.find((r) => typeof r === 'string' && r.includes('\n')) }, String(message));
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn({ context: contextOf(rest) }, String(message));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug({ context: contextOf(rest) }, String(message));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.trace({ context: contextOf(rest) }, String(message));
  }
}

function contextOf(rest: unknown[]): string | undefined {
  const last = rest[rest.length - 1];
  return typeof last === 'string' ? last : undefined;
}
