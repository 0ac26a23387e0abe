import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ServiceContext } from './service-context';

/** Liveness, readiness and Prometheus metrics, the same on every service. */
@Controller()
export class HealthController {
  constructor(private readonly ctx: ServiceContext) {}

  @Get('health')
  @HttpCode(200)
  health(): { status: 'ok'; instance: string; role: string } {
    return { status: 'ok', instance: this.ctx.instanceId, role: this.ctx.role };
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const checks = await this.ctx.readiness.run();
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ ready: ok, checks: checks.map(({ name, ok: pass, detail }) => ({ name, ok: pass, detail })) });
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(this.ctx.metrics.contentType).send(await this.ctx.metrics.render());
  }
}
