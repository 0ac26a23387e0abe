import { Controller, Get } from '@nestjs/common';
import type { OpsJob } from '@quarry/control-db';
import { OpsJobsService } from './ops-jobs.service';

@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: OpsJobsService) {}

  @Get()
  async list(): Promise<{ jobs: OpsJob[] }> {
    return { jobs: await this.jobs.list() };
  }
}
