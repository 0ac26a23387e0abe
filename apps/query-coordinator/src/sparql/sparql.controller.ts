import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HttpExchange } from './http-exchange';
import { SparqlProtocolService } from './sparql-protocol.service';
import { SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from './sparql-http-options';

/** SPARQL 1.1 Protocol endpoints: queries (and updates) at /sparql, updates at /update. */
@Controller()
export class SparqlController {
  constructor(
    private readonly exchange: HttpExchange,
    private readonly protocol: SparqlProtocolService,
    @Inject(SPARQL_HTTP_OPTIONS) private readonly options: SparqlHttpOptions,
  ) {}

  @Get('sparql')
  query(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxRequestBytes, (r) => this.protocol.get(r));
  }

  @Post('sparql')
  post(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxRequestBytes, (r) => this.protocol.post(r));
  }

  @Post('update')
  update(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.exchange.run(req, res, this.options.maxRequestBytes, (r) => this.protocol.postUpdate(r));
  }
}
