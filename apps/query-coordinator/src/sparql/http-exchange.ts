import { once } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientConcurrencyLimiter } from './client-concurrency-limiter';
import { errorResponse } from './error-response';
import { ProtocolError } from './protocol-error';
import type { ProtocolRequest } from './protocol-request';
import { textResponse, type ProtocolResponse } from './protocol-response';
import { readBody } from './request-body';
import { RequestDeadline, timeoutFromParam } from './request-deadline';
import { mediaTypeOf, RequestParams } from './request-params';
import { SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from './sparql-http-options';

export type ProtocolHandler = (request: ProtocolRequest) => Promise<ProtocolResponse>;

/**
 * The HTTP plumbing shared by every SPARQL endpoint: per-client concurrency (429), body
 * reading with a size limit (413), the request deadline (timeout parameter, client
 * disconnect), error mapping, and writing (possibly streamed) responses.
 */
@Injectable()
export class HttpExchange {
  private readonly logger = new Logger('SparqlHttp');
  private readonly limiter: ClientConcurrencyLimiter;

  constructor(@Inject(SPARQL_HTTP_OPTIONS) private readonly options: SparqlHttpOptions) {
    this.limiter = new ClientConcurrencyLimiter(options.maxConcurrentPerClient);
  }

  async run(req: Request, res: Response, bodyLimit: number, handler: ProtocolHandler): Promise<void> {
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const release = this.limiter.tryAcquire(client);
    if (!release) {
      await send(
        res,
        textResponse(429, `too many concurrent requests from this client (limit ${this.options.maxConcurrentPerClient})`, { 'retry-after': '1' }),
      );
      return;
    }
    let deadline: RequestDeadline | undefined;
    // 'close' before the response finished means the client went away: stop evaluating.
    const onClose = (): void => {
      if (!res.writableFinished) deadline?.abort('disconnect');
    };
    res.on('close', onClose);
    try {
      const request = await this.toProtocolRequest(req, bodyLimit, (d) => (deadline = d));
      await send(res, await handler(request), request.signal);
    } catch (e) {
      await this.fail(res, e, deadline);
    } finally {
      res.off('close', onClose);
      deadline?.dispose();
      release();
    }
  }

  private async toProtocolRequest(req: Request, bodyLimit: number, onDeadline: (d: RequestDeadline) => void): Promise<ProtocolRequest> {
    const url = new URL(req.originalUrl, `${req.protocol}://${req.headers.host ?? 'localhost'}`);
    if (url.search.length > this.options.maxRequestBytes)
      throw new ProtocolError(413, `request URL exceeds the limit of ${this.options.maxRequestBytes} bytes`);
    const body = await readBody(req, bodyLimit);
    const params = body.form ? new RequestParams(url.searchParams, body.form) : new RequestParams(url.searchParams);
    const deadline = new RequestDeadline(timeoutFromParam(params.one('timeout'), this.options.defaultTimeoutMs, this.options.maxTimeoutMs));
    onDeadline(deadline);
    return {
      method: req.method,
      url,
      params,
      contentType: mediaTypeOf(req.headers['content-type']),
      body: body.text,
      isForm: body.form !== undefined,
      accept: req.headers.accept,
      signal: deadline.signal,
    };
  }

  private async fail(res: Response, e: unknown, deadline: RequestDeadline | undefined): Promise<void> {
    if (deadline?.disconnected) {
      res.destroy();
      return;
    }
    const response = errorResponse(e, deadline);
    if (!response) this.logger.error(`request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    if (res.headersSent) {
      // Mid-stream failure: the status is gone; cutting the connection tells the client.
      res.destroy();
      return;
    }
    await send(res, response ?? textResponse(500, 'internal error'));
  }
}

/** Writes a response, streaming chunked bodies with backpressure; stops when `signal` fires. */
async function send(res: Response, response: ProtocolResponse, signal?: AbortSignal): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  const body = response.body;
  if (body === undefined) {
    res.end();
    return;
  }
  if (typeof body === 'string') {
    res.end(body);
    return;
  }
  const iterator = body[Symbol.asyncIterator]();
  // Pull the first chunk before committing to the status: early failures still get a status code.
  let next = await iterator.next();
  res.flushHeaders();
  while (!next.done) {
    signal?.throwIfAborted();
    if (!res.write(next.value)) await once(res, 'drain', { signal });
    next = await iterator.next();
  }
  res.end();
}
