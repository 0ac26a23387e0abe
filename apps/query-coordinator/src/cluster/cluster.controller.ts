import { Controller, Get } from '@nestjs/common';
import { ServiceContext } from '@quarry/service-kit';
import { ServiceDirectory } from '@quarry/transport';

export interface ClusterMemberView {
  instanceId: string;
  role: string;
  state: string;
  detail: string;
  httpPort: number;
  pid: number;
}

/** The cluster as the coordinator sees it: every registered instance, asked over NATS. */
@Controller('v1/cluster')
export class ClusterController {
  private readonly directory: ServiceDirectory;

  constructor(ctx: ServiceContext) {
    this.directory = new ServiceDirectory(ctx.bus, ctx.subjects);
  }

  @Get()
  async members(): Promise<{ members: ClusterMemberView[] }> {
    const statuses = await this.directory.status();
    return {
      members: statuses.map((s) => ({
        instanceId: s.instance.instanceId,
        role: s.instance.role,
        state: s.state,
        detail: s.detail,
        httpPort: s.instance.httpPort,
        pid: s.instance.pid,
      })),
    };
  }
}
