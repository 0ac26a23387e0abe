import { Controller, Delete, Get, Head, Inject, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HttpExchange } from '../sparql/http-exchange';
import { SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from '../sparql/sparql-http-options';
import { GraphStoreService } from './graph-store.service';

/** SPARQL 1.1 Graph Store HTTP Protocol at /store (?graph=IRI or ?default) and /store/graphs/:id. */
@Controller('store')
export class GraphStoreController {
  constructor(
    private readonly exchange: HttpExchange,
    private readonly store: GraphStoreService,
    @Inject(SPARQL_HTTP_OPTIONS) private readonly options: SparqlHttpOptions,
  ) {}

  @Head(['', 'graphs/:id'])
  head(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxRequestBytes, (r) => this.store.read(r, false));
  }

  @Get(['', 'graphs/:id'])
  get(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxRequestBytes, (r) => this.store.read(r, true));
  }

  @Put(['', 'graphs/:id'])
  put(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxUploadBytes, (r) => this.store.replace(r));
  }

  @Post(['', 'graphs/:id'])
  post(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxUploadBytes, (r) => this.store.add(r));
  }

  @Delete(['', 'graphs/:id'])
  delete(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxRequestBytes, (r) => this.store.remove(r));
  }
}
