import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { scheduleEvery } from '@liftwatch/database';
import { TelemetryJobsService } from './telemetry-jobs.service';

/**
 * Registers the telemetry jobs with @nestjs/schedule. Each run takes a database advisory lock, so
 * several api replicas (or an overlapping run) never do the same work twice.
 */
@Injectable()
export class TelemetryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TelemetryScheduler.name);
  private readonly stops: Array<() => void> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly jobs: TelemetryJobsService,
  ) {}

  onApplicationBootstrap(): void {
    this.stops.push(
      scheduleEvery(
        this.registry,
        'telemetry-rollups',
        this.config.telemetry.rollupIntervalS * 1000,
        this.logger,
        () => this.jobs.refreshRollups(),
      ),
      scheduleEvery(this.registry, 'telemetry-partitions', 3_600_000, this.logger, () =>
        this.jobs.maintainPartitions(),
      ),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops) stop();
  }
}
