import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { TelemetryJobsService } from './telemetry-jobs.service';

/**
 * Registers the telemetry jobs with @nestjs/schedule. Each run takes a database advisory lock, so
 * several api replicas (or an overlapping run) never do the same work twice.
 */
@Injectable()
export class TelemetryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TelemetryScheduler.name);
  private busy = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly jobs: TelemetryJobsService,
  ) {}

  onApplicationBootstrap(): void {
    this.every('telemetry-rollups', this.config.telemetry.rollupIntervalS * 1000, () =>
      this.jobs.refreshRollups(),
    );
    this.every('telemetry-partitions', 3_600_000, () => this.jobs.maintainPartitions());
  }

  onModuleDestroy(): void {
    for (const name of ['telemetry-rollups', 'telemetry-partitions']) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
  }

  private every(name: string, ms: number, job: () => Promise<unknown>): void {
    const run = (): void => {
      if (this.busy.has(name)) return;
      this.busy.add(name);
      job()
        .catch((err: unknown) =>
          this.logger.warn(`${name} failed: ${err instanceof Error ? err.message : String(err)}`),
        )
        .finally(() => this.busy.delete(name));
    };
    const handle = setInterval(run, ms);
    handle.unref();
    this.registry.addInterval(name, handle);
  }
}
