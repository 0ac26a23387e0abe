import type { OnModuleDestroy } from '@nestjs/common';
import type { ServiceContext } from '@quarry/service-kit';
import type { PdLease } from './pd-lease';

/** Work only the active placement driver does (bootstrap now; scheduling later). */
export interface ActiveDuty {
  start(): void;
  stop(): void;
}

/** Runs the lease loop and starts or stops the active-only duties as leadership moves. */
export class PdLeadership implements OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private active = false;
  private stopped = false;

  /**
   * The holder renews every `renewMs`; a standby looks more often (`watchMs`) because how
   * late it first sees the holder's last revision adds to the takeover time after a crash.
   */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly lease: PdLease,
    private readonly duties: ActiveDuty[],
    private readonly interval: { renewMs: number; watchMs: number },
  ) {}

  start(): void {
    const gauge = this.ctx.metrics.gauge('quarry_pd_active', '1 while this placement driver holds the leadership lease');
    this.ctx.readiness.add('leadership', () => ({ ok: true, detail: this.active ? 'active' : 'standby' }));
    const round = async (): Promise<void> => {
      let nowActive = false;
      try {
        nowActive = await this.lease.step();
      } catch (err) {
        this.ctx.logger.warn({ err: (err as Error).message }, 'cannot reach the consensus service for the PD lease');
        nowActive = this.lease.isActive;
      }
      if (nowActive !== this.active && !this.stopped) {
        this.active = nowActive;
        gauge.set(nowActive ? 1 : 0);
        this.ctx.logger.info({ active: nowActive }, nowActive ? 'this placement driver is now active' : 'this placement driver is now standby');
        await this.ctx.events.publish(nowActive ? 'pd.active' : 'pd.standby', { instance: this.ctx.instanceId }).catch(() => undefined);
        for (const d of this.duties) {
          if (nowActive) d.start();
          else d.stop();
        }
      }
    };
    const loop = (): void => {
      void round().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.active ? this.interval.renewMs : this.interval.watchMs);
      });
    };
    loop();
  }

  get isActive(): boolean {
    return this.active;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const d of this.duties) d.stop();
    await this.lease.release();
  }
}
