import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, type ConfigOf, type Setting } from '@quarry/config';
import { Metrics, NestPinoLogger, createLogger, httpTracing, initTracing, type Logger, type Tracing } from '@quarry/telemetry';
import { Bus, ClusterEvents, ServiceRegistration, Subjects } from '@quarry/transport';
import { HealthController } from './health.controller';
import { Readiness, ServiceContext, type ServiceRole } from './service-context';
import { serviceSettings } from './service-settings';

export const QUARRY_VERSION = '0.1.0';

export interface ServiceDefinition<S extends Record<string, Setting>> {
  role: ServiceRole;
  settings: S;
  /** The app's root module, built once config is valid and the bus is connected. */
  module: (ctx: ServiceContext, config: ConfigOf<S & typeof serviceSettings>) => DynamicModule | Promise<DynamicModule>;
  /** Work after the HTTP server listens and before the instance registers (e.g. migrations). */
  afterListen?: (app: INestApplication, ctx: ServiceContext) => Promise<void>;
  /** Role-specific identity published in the registry (e.g. { store_id: '3' }). */
  labels?: (config: ConfigOf<S & typeof serviceSettings>) => Record<string, string>;
  /** Max request body; bigger bodies get 413. */
  bodyLimit?: string;
}

/** Stops the process with a message an operator can act on, naming the setting at fault. */
function fail(role: string, message: string): never {
  process.stderr.write(`quarry-${role}: ${message}\n`);
  process.exit(1);
}

/**
 * The one way every Quarry service starts and stops: validated config, tracing, JSON logs,
 * NATS, HTTP health/ready/metrics, registry heartbeat, and graceful shutdown on SIGTERM.
 */
export async function runService<S extends Record<string, Setting>>(def: ServiceDefinition<S>): Promise<void> {
  let all: ConfigOf<S & typeof serviceSettings>;
  try {
    all = loadConfig(`quarry-${def.role}`, { ...serviceSettings, ...def.settings });
  } catch (err) {
    if (err instanceof ConfigError) fail(def.role, err.message.replace(/^quarry-[\w-]+: /, ''));
    throw err;
  }
  // The kit's own settings, typed concretely (the generic intersection above is too loose for TS).
  const config = all as unknown as ConfigOf<typeof serviceSettings>;
  const instanceId = config.instanceId ?? `${def.role}-${process.pid}`;
  const tracing = initTracing({ serviceName: `quarry-${def.role}`, instanceId, version: QUARRY_VERSION, otlpEndpoint: config.otlpEndpoint });
  const logger = createLogger({ service: def.role, instanceId, level: config.logLevel });

  let bus: Bus;
  try {
    bus = await Bus.connect({
      url: config.natsUrl,
      instanceId,
      // Without an exporter nobody sees the spans; trace ids still reach the logs (see Bus).
      spans: tracing.exporting,
      onHandlerError: (subject, err) => logger.error({ err, subject }, 'message handler failed'),
    });
  } catch (err) {
    fail(def.role, `cannot connect to NATS at QUARRY_NATS_URL=${config.natsUrl}: ${(err as Error).message}`);
  }
  const subjects = new Subjects(config.cluster);
  const events = new ClusterEvents(bus, subjects);
  const readiness = new Readiness();
  readiness.add('nats', () => ({ ok: bus.connected, detail: bus.connected ? '' : 'disconnected' }));
  // Ready only once findable: a client that saw /ready must also find the instance in the registry.
  let registered = false;
  readiness.add('registry', () => ({ ok: registered, detail: registered ? '' : 'not registered yet' }));
  const metrics = new Metrics(def.role, instanceId);
  const ctx = new ServiceContext(def.role, instanceId, config, bus, subjects, events, metrics, logger, readiness, config.httpPort);

  let appModule: DynamicModule;
  try {
    appModule = await def.module(ctx, all);
  } catch (err) {
    fail(def.role, (err as Error).message);
  }
  @Module({ imports: [appModule], controllers: [HealthController], providers: [{ provide: ServiceContext, useValue: ctx }], exports: [ServiceContext] })
  class KitModule {}
  const rootModule: DynamicModule = { module: KitModule, global: true };

  const app = await NestFactory.create(rootModule, { logger: new NestPinoLogger(logger), bodyParser: false, abortOnError: false });
  app.use(httpTracing(logger));
  await installBodyParsers(app, def.bodyLimit ?? '1mb');
  app.enableShutdownHooks([]);
  try {
    await app.listen(config.httpPort, config.host);
  } catch (err) {
    fail(def.role, `cannot listen on QUARRY_HOST=${config.host} QUARRY_HTTP_PORT=${config.httpPort}: ${(err as Error).message}`);
  }
  await events.ensureStream();
  if (def.afterListen) await def.afterListen(app, ctx);

  const registration = new ServiceRegistration(
    bus,
    subjects,
    { instanceId, role: def.role, cluster: config.cluster, host: config.host, httpPort: config.httpPort, pid: process.pid, version: QUARRY_VERSION, labels: def.labels?.(all) ?? {} },
    { ready: () => readiness.ready(), checks: () => readiness.run() },
    config.heartbeatMs,
  );
  await registration.start();
  registered = true;
  await events.publish('service.started', { instance: instanceId, role: def.role });
  logger.info({ port: config.httpPort }, `quarry-${def.role} ready`);

  installShutdown({ app, bus, events, registration, tracing, logger, instanceId, timeoutMs: config.shutdownTimeoutMs });
}

async function installBodyParsers(app: INestApplication, limit: string): Promise<void> {
  const express = await import('express');
  // Raw text for SPARQL/RDF bodies; JSON and urlencoded for forms and the admin API.
  app.use(express.json({ limit }));
  app.use(express.urlencoded({ extended: false, limit }));
  app.use(express.text({ limit, type: ['application/sparql-query', 'application/sparql-update', 'application/n-triples', 'application/n-quads', 'text/turtle', 'application/trig', 'text/plain', 'application/ld+json'] }));
}

interface ShutdownParts {
  app: INestApplication;
  bus: Bus;
  events: ClusterEvents;
  registration: ServiceRegistration;
  tracing: Tracing;
  logger: Logger;
  instanceId: string;
  timeoutMs: number;
}

function installShutdown(p: ShutdownParts): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    p.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      p.logger.error({ timeoutMs: p.timeoutMs }, 'graceful shutdown timed out; exiting');
      process.exit(1);
    }, p.timeoutMs);
    timer.unref();
    try {
      // Leave the registry first so nobody routes new work here, then drain.
      await p.registration.stop();
      await p.app.close();
      await p.events.publish('service.stopped', { instance: p.instanceId }).catch(() => undefined);
      await p.bus.drain();
      await p.tracing.shutdown();
      process.exit(0);
    } catch (err) {
      p.logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
