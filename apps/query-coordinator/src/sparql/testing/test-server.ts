import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Parser } from 'n3';
import type { MatchOptions, Quad, QuadPattern, QuadSource } from '@quarry/sparql';
import { InMemorySparqlDataset } from '../in-memory-sparql-dataset';
import type { SparqlDataset } from '../sparql-dataset';
import type { SparqlHttpOptions } from '../sparql-http-options';
import { SparqlHttpModule } from '../sparql-http.module';

export interface TestServer {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

export interface TestServerConfig {
  dataset?: SparqlDataset;
  options?: Partial<SparqlHttpOptions>;
  /** Install the same body parsers as runService (libs/service-kit) in front of the module. */
  kitBodyParsers?: boolean;
}

/** Starts the SPARQL HTTP module on a free local port (fetch against `url`). */
export async function startTestServer(config: TestServerConfig = {}): Promise<TestServer> {
  const module = SparqlHttpModule.register({ dataset: { useValue: config.dataset ?? new InMemorySparqlDataset() }, options: config.options });
  const app = await NestFactory.create(module, { logger: false, bodyParser: false, abortOnError: false });
  if (config.kitBodyParsers) {
    const express = await import('express');
    app.use(express.json({ limit: '1mb' }));
    app.use(express.urlencoded({ extended: false, limit: '1mb' }));
    app.use(
      express.text({
        limit: '1mb',
        type: [
          'application/sparql-query',
          'application/sparql-update',
          'application/n-triples',
          'application/n-quads',
          'text/turtle',
          'application/trig',
          'text/plain',
          'application/ld+json',
        ],
      }),
    );
  }
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    // Sockets of requests the client abandoned would otherwise hold close() until they time out.
    (app.getHttpServer() as Server).closeAllConnections();
    await app.close();
  };
  return { app, url: `http://127.0.0.1:${port}`, close };
}

export function datasetFromTrig(trig: string): InMemorySparqlDataset {
  return new InMemorySparqlDataset(new Parser({ format: 'TriG' }).parse(trig) as Quad[]);
}

/**
 * A source that waits `delayMs` before each batch (honouring the abort signal) and records
 * aborts: for timeout, disconnect, concurrency and streaming tests.
 */
export class SlowQuadSource implements QuadSource {
  aborted = 0;
  constructor(
    private readonly inner: QuadSource,
    private readonly delayMs: number,
  ) {}

  async *match(pattern: QuadPattern, opts: MatchOptions = {}): AsyncIterable<Quad[]> {
    for await (const batch of this.inner.match(pattern, { ...opts, batchSize: 1 })) {
      await this.sleep(opts.signal);
      yield batch;
    }
  }

  estimate(pattern: QuadPattern): Promise<number> {
    return this.inner.estimate(pattern);
  }

  graphs(): AsyncIterable<Quad['graph'] & { termType: 'NamedNode' }> {
    return this.inner.graphs();
  }

  private sleep(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        this.aborted++;
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.aborted++;
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, this.delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** A SparqlDataset whose reads go through SlowQuadSource. */
export function slowDataset(trig: string, delayMs: number): { dataset: SparqlDataset; slow: SlowQuadSource } {
  const inner = datasetFromTrig(trig);
  const slow = new SlowQuadSource(inner.source(), delayMs);
  return { dataset: { source: () => slow, writer: inner.writer, begin: () => ({ source: slow, writer: inner.writer }) }, slow };
}
